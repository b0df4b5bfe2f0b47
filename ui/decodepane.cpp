#include "decodepane.h"

#include "decodingview.h"

#include "reply/replyparser.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QVBoxLayout>

namespace smtpscope::ui {

using namespace smtpscope::core;

DecodePane::DecodePane(std::shared_ptr<const KnowledgeBase> kb, QWidget *parent)
    : QWidget(parent)
    , m_decoder(kb)
{
    m_input = new QPlainTextEdit(this);
    m_input->setObjectName(QStringLiteral("replyInput"));
    m_input->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_input->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_input->setTabChangesFocus(true);
    m_input->setPlaceholderText(
        QStringLiteral("Paste reply lines here, for example:\n"
                       "550-5.7.26 This mail has been blocked because the sender is unauthenticated.\n"
                       "550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.\n"
                       "550 5.7.26 Learn more at https://support.google.com/mail/answer/81126 - gsmtp"));
    auto *inputLabel
        = new QLabel(QStringLiteral("&Reply lines (one reply or several, as the server sent them):"), this);
    inputLabel->setBuddy(m_input);

    m_remoteHost = new QLineEdit(this);
    m_remoteHost->setObjectName(QStringLiteral("remoteHost"));
    m_remoteHost->setPlaceholderText(QStringLiteral("optional, e.g. gmail-smtp-in.l.google.com"));
    m_remoteHost->setClearButtonEnabled(true);
    m_recipientDomain = new QLineEdit(this);
    m_recipientDomain->setObjectName(QStringLiteral("recipientDomain"));
    m_recipientDomain->setPlaceholderText(QStringLiteral("optional, e.g. gmail.com"));
    m_recipientDomain->setClearButtonEnabled(true);
    auto *hostLabel = new QLabel(QStringLiteral("Remote &host:"), this);
    hostLabel->setBuddy(m_remoteHost);
    auto *domainLabel = new QLabel(QStringLiteral("Recipient &domain:"), this);
    domainLabel->setBuddy(m_recipientDomain);

    auto *context = new QHBoxLayout;
    context->addWidget(hostLabel);
    context->addWidget(m_remoteHost, 3);
    context->addSpacing(12);
    context->addWidget(domainLabel);
    context->addWidget(m_recipientDomain, 2);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(inputLabel);
    topLayout->addWidget(m_input, 1);
    topLayout->addLayout(context);

    m_view = new DecodingView(this);
    m_view->setObjectName(QStringLiteral("decodingView"));
    m_view->setKnowledgeBase(kb);
    m_view->showHint();

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("decodeSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(top);
    m_splitter->addWidget(m_view);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    // About five lines of input by default; the result gets the rest.
    const int lineHeight = m_input->fontMetrics().lineSpacing();
    m_splitter->setSizes({ lineHeight * 5 + 80, 600 });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_splitter);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(80);
    connect(&m_debounce, &QTimer::timeout, this, &DecodePane::decodeNow);
    connect(m_input, &QPlainTextEdit::textChanged, this, &DecodePane::scheduleDecode);
    connect(m_remoteHost, &QLineEdit::textChanged, this, &DecodePane::scheduleDecode);
    connect(m_recipientDomain, &QLineEdit::textChanged, this, &DecodePane::scheduleDecode);
    connect(m_view, &DecodingView::exampleRequested, this, &DecodePane::setReplyText);
}

QString DecodePane::resultText() const
{
    return m_view->toPlainText();
}

void DecodePane::setReplyText(const QString &text)
{
    m_input->setPlainText(text);
    decodeNow();
}

void DecodePane::scheduleDecode()
{
    m_debounce.start();
}

void DecodePane::decodeNow()
{
    m_debounce.stop();
    const QString text = m_input->toPlainText();
    m_decodings.clear();
    m_errors.clear();
    if (text.trimmed().isEmpty()) {
        m_view->showHint();
        Q_EMIT decoded();
        return;
    }
    const ReplyParseResult parsed = ReplyParser::parse(text);
    const DecodeContext where { m_remoteHost->text().trimmed(), m_recipientDomain->text().trimmed() };
    for (const Reply &reply : parsed.replies)
        m_decodings.append(m_decoder.decode(reply, where));
    m_errors = parsed.errors;
    m_view->showResult(m_decodings, m_errors);
    Q_EMIT decoded();
}

} // namespace smtpscope::ui
