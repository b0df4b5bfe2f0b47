#include "documentview.h"

#include "bounceview.h"
#include "conversationmodel.h"
#include "conversationview.h"
#include "decodingview.h"
#include "recipientmodel.h"
#include "sourceview.h"

#include "reply/replyparser.h"
#include "util/domain.h"

#include <QFile>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTextBlock>
#include <QToolButton>
#include <QVBoxLayout>

namespace smtpscope::ui {

using namespace smtpscope::core;

namespace {

constexpr int maxWindowLines = 4000; ///< lines of a large document shown at once

} // namespace

DocumentView::DocumentView(std::shared_ptr<const KnowledgeBase> kb, QWidget *parent)
    : QWidget(parent)
    , m_kb(kb)
    , m_decoder(kb)
    , m_pages(new QStackedWidget(this))
    , m_loadingTitle(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_stop(new QPushButton(QStringLiteral("&Stop"), this))
    , m_message(new QLabel(this))
    , m_conversation(new ConversationView(this))
    , m_bounce(new BounceView(kb, this))
    , m_panel(new DecodingView(this))
    , m_source(new SourceView(this))
    , m_find(new QLineEdit(this))
    , m_findStatus(new QLabel(this))
    , m_hsplit(new QSplitter(Qt::Horizontal, this))
    , m_vsplit(new QSplitter(Qt::Vertical, this))
    , m_sourceBox(new QWidget(this))
{
    // Loading page: what is being read, how far, and a way out.
    auto *loading = new QWidget(this);
    auto *loadingLayout = new QVBoxLayout(loading);
    loadingLayout->addStretch(1);
    m_loadingTitle->setAlignment(Qt::AlignCenter);
    m_loadingTitle->setObjectName(QStringLiteral("loadingTitle"));
    loadingLayout->addWidget(m_loadingTitle);
    m_progress->setObjectName(QStringLiteral("loadingProgress"));
    m_progress->setMaximumWidth(420);
    auto *progressRow = new QHBoxLayout;
    progressRow->addStretch(1);
    progressRow->addWidget(m_progress, 4);
    m_stop->setObjectName(QStringLiteral("stopLoading"));
    m_stop->setToolTip(QStringLiteral("Stop reading this input"));
    progressRow->addWidget(m_stop);
    progressRow->addStretch(1);
    loadingLayout->addLayout(progressRow);
    loadingLayout->addStretch(2);
    connect(m_stop, &QPushButton::clicked, this, &DocumentView::stopRequested);

    m_message->setObjectName(QStringLiteral("documentMessage"));
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_message->setMargin(16);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setTextFormat(Qt::RichText);

    m_pages->addWidget(loading);
    m_pages->addWidget(m_message);
    m_pages->addWidget(m_conversation);
    m_pages->addWidget(m_bounce);

    m_panel->setObjectName(QStringLiteral("replyPanel"));
    m_panel->setKnowledgeBase(kb);
    m_panel->showNote(QStringLiteral("Select a step or a recipient to see its reply decoded."));
    m_panel->setMinimumWidth(280);

    m_source->setObjectName(QStringLiteral("sourceView"));
    m_source->setAcceptDrops(false);
    m_find->setObjectName(QStringLiteral("findField"));
    m_find->setPlaceholderText(QStringLiteral("Find in source (Ctrl+F), Enter for next, Shift+Enter for previous"));
    m_find->setClearButtonEnabled(true);
    m_findStatus->setObjectName(QStringLiteral("findStatus"));
    auto *sourceLayout = new QVBoxLayout(m_sourceBox);
    sourceLayout->setContentsMargins(0, 4, 0, 0);
    sourceLayout->setSpacing(2);
    auto *findRow = new QHBoxLayout;
    auto *sourceTitle = new QLabel(QStringLiteral("<b>Source</b>"), this);
    findRow->addWidget(sourceTitle);
    findRow->addWidget(m_find, 1);
    findRow->addWidget(m_findStatus);
    sourceLayout->addLayout(findRow);
    sourceLayout->addWidget(m_source, 1);

    m_hsplit->setObjectName(QStringLiteral("documentSplitter"));
    m_hsplit->addWidget(m_pages);
    m_hsplit->addWidget(m_panel);
    m_hsplit->setStretchFactor(0, 3);
    m_hsplit->setStretchFactor(1, 2);
    m_hsplit->setChildrenCollapsible(false);
    m_vsplit->setObjectName(QStringLiteral("sourceSplitter"));
    m_vsplit->addWidget(m_hsplit);
    m_vsplit->addWidget(m_sourceBox);
    m_vsplit->setStretchFactor(0, 3);
    m_vsplit->setStretchFactor(1, 1);
    m_vsplit->setSizes({ 560, 260 });
    m_hsplit->setSizes({ 700, 340 });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_vsplit);

    connect(m_conversation, &ConversationView::sessionChanged, this, &DocumentView::onSessionChanged);
    connect(m_conversation, &ConversationView::stepSelected, this, &DocumentView::onStepSelected);
    connect(m_bounce, &BounceView::recipientSelected, this, &DocumentView::onRecipientSelected);
    connect(m_source, &SourceView::lineActivated, this, &DocumentView::onSourceLine);
    connect(m_panel, &DecodingView::codeRequested, this, &DocumentView::codeRequested);
    connect(m_find, &QLineEdit::returnPressed, this,
        [this] { findNext(QGuiApplication::keyboardModifiers() & Qt::ShiftModifier); });
    connect(m_find, &QLineEdit::textChanged, this, [this] { m_findStatus->clear(); });
}

DocumentView::Page DocumentView::currentPage() const
{
    return Page(m_pages->currentIndex());
}

void DocumentView::showLoading(const QString &title, int permille)
{
    m_document.reset();
    m_loadingTitle->setText(QStringLiteral("Reading <b>%1</b>…").arg(title.toHtmlEscaped()));
    if (permille < 0) {
        m_progress->setRange(0, 0);
    } else {
        m_progress->setRange(0, 1000);
        m_progress->setValue(permille);
    }
    m_pages->setCurrentIndex(LoadingPage);
    m_panel->hide();
    m_sourceBox->hide();
}

void DocumentView::setDocument(DocumentPtr document)
{
    m_document = std::move(document);
    m_sourceMessage = -2;
    m_find->clear();
    if (!m_document) {
        m_conversation->setDocument(nullptr);
        m_bounce->setDocument(nullptr);
        m_source->setSource({});
        return;
    }
    const Document &doc = *m_document;
    const bool whole = !doc.bytes.isEmpty() && doc.bytes.size() <= Document::wholeSourceLimit;
    m_source->setSource(whole ? doc.sourceText : QString(), 1);
    m_panel->showNote(QStringLiteral("Select a step or a recipient to see its reply decoded."));
    switch (doc.kind) {
    case Document::Kind::Transcript:
        m_pages->setCurrentIndex(TranscriptPage);
        m_panel->show();
        m_sourceBox->show();
        m_bounce->setDocument(nullptr);
        m_conversation->setDocument(m_document);
        break;
    case Document::Kind::Bounce:
        m_pages->setCurrentIndex(BouncePage);
        m_panel->show();
        m_sourceBox->show();
        m_conversation->setDocument(nullptr);
        if (!whole && !doc.messages.isEmpty())
            showSourceFor(0);
        m_bounce->setDocument(m_document);
        if (m_bounce->currentRecipient() < 0)
            m_panel->showNote(doc.messages.size() == 1 && doc.messages.first().report.results.isEmpty()
                    ? QStringLiteral("This message holds no delivery results: nothing to decode.")
                    : QStringLiteral("Select a recipient to see its reply decoded."));
        break;
    case Document::Kind::Unrecognised:
    case Document::Kind::Error: {
        m_conversation->setDocument(nullptr);
        m_bounce->setDocument(nullptr);
        const bool error = doc.kind == Document::Kind::Error;
        m_message->setText(
            QStringLiteral("<h3>%1</h3><p>%2</p><p>%3</p>")
                .arg((error ? QStringLiteral("%1 could not be read") : QStringLiteral("%1 was not recognised"))
                         .arg(doc.title.toHtmlEscaped()),
                    doc.error.toHtmlEscaped(),
                    error ? QStringLiteral("Check the path and the permissions, then open it again.")
                          : QStringLiteral("Smtpscope reads SMTP transcripts and logs (swaks, Postfix, "
                                           "Exim, PHPMailer, smtplib, curl, …) and bounce messages "
                                           "(.eml, mbox, Maildir).")));
        m_pages->setCurrentIndex(MessagePage);
        m_panel->hide();
        m_sourceBox->setVisible(!doc.bytes.isEmpty() && whole);
        break;
    }
    }
}

void DocumentView::onSessionChanged(int session)
{
    if (!m_document || session < 0 || session >= m_document->transcript.sessions.size())
        return;
    if (!m_document->bytes.isEmpty() && m_document->bytes.size() > Document::wholeSourceLimit) {
        const Session &s = m_document->transcript.sessions.at(session);
        const int first = std::max(1, s.firstLine);
        const int last = std::min(s.lastLine, first + maxWindowLines);
        m_source->setSource(m_document->lines(first, last), first);
    }
}

void DocumentView::onStepSelected(int row)
{
    const ConversationModel *model = m_conversation->model();
    const Step *step = model->step(row);
    if (!step) {
        m_source->highlightLines(0, 0);
        return;
    }
    if (!m_linking && m_document && m_document->sourceText.isEmpty()
        && (step->firstLine < m_source->firstLine() || step->lastLine > m_source->lastLine())) {
        // A large document shows a window of lines: move it to the step.
        const int first = std::max(1, step->firstLine - 100);
        m_source->setSource(m_document->lines(first, first + maxWindowLines), first);
    }
    m_source->highlightLines(step->firstLine, step->lastLine, !m_linking);
    // The step's protocol findings head the panel, as the decoder's own notes do.
    QList<ReplyIssue> findings;
    for (const Finding &f : step->findings) {
        ReplyIssue issue;
        issue.severity = f.severity == Finding::Severity::Error ? ReplyIssue::Severity::Error
            : f.severity == Finding::Severity::Warning          ? ReplyIssue::Severity::Warning
                                                                : ReplyIssue::Severity::Info;
        issue.line = step->firstLine;
        issue.message = f.text;
        findings.append(issue);
    }
    if (!step->hasReply()) {
        if (!findings.isEmpty()) {
            m_panel->showResult({}, findings);
            return;
        }
        m_panel->showNote(step->note.isEmpty() ? QStringLiteral("This step has no server reply.")
                                               : step->note + QStringLiteral("\n\nThis step has no server reply."));
        return;
    }
    const Session &session = model->session();
    DecodeContext context;
    context.remoteHost = session.server.isEmpty() ? session.peer : session.server;
    if (step->verb == u"RCPT")
        context.recipientDomain = addressDomain(step->argument);
    else if (!session.outcomes.isEmpty())
        context.recipientDomain = addressDomain(session.outcomes.first().recipient);
    m_panel->showResult({ m_decoder.decode(step->reply, context) }, findings);
}

QList<int> DocumentView::recipientLines(int row) const
{
    const RecipientModel *model = m_bounce->model();
    const DeliveryResult *r = model->result(row);
    const int messageIndex = model->messageOfRow(row);
    if (!r || !m_document || messageIndex < 0 || r->recipient.isEmpty())
        return {};
    const BounceMessage &m = m_document->messages.at(messageIndex);
    const int first = std::max(m.firstLine, m_source->firstLine());
    const int last = std::min(m.lastLine < 0 ? m_source->lastLine() : m.lastLine, m_source->lastLine());
    int found = -1;
    int fallback = -1;
    for (int line = first; line <= last; ++line) {
        const QString text = m_source->document()->findBlockByNumber(line - m_source->firstLine()).text();
        if (!text.contains(r->recipient, Qt::CaseInsensitive))
            continue;
        if (fallback < 0)
            fallback = line;
        if (text.startsWith(QLatin1String("Final-Recipient"), Qt::CaseInsensitive)) {
            found = line;
            break;
        }
    }
    const int start = found >= 0 ? found : fallback;
    if (start < 0)
        return {};
    // The DSN block (or paragraph) runs to the next blank line.
    int end = start;
    while (end + 1 <= last
        && !m_source->document()->findBlockByNumber(end + 1 - m_source->firstLine()).text().trimmed().isEmpty())
        ++end;
    return { start, end };
}

void DocumentView::showSourceFor(int messageIndex)
{
    if (!m_document || messageIndex == m_sourceMessage || messageIndex < 0
        || messageIndex >= m_document->messages.size())
        return;
    m_sourceMessage = messageIndex;
    const BounceMessage &m = m_document->messages.at(messageIndex);
    if (!m_document->bytes.isEmpty()) {
        const int first = std::max(1, m.firstLine);
        const int last = std::min(m.lastLine, first + maxWindowLines);
        m_source->setSource(m_document->lines(first, last), first);
        return;
    }
    // A message of a folder: read its own file (messages are small; huge ones are cut).
    QFile file(m.parsed.source);
    if (file.open(QIODevice::ReadOnly)) {
        m_source->setSource(QString::fromUtf8(file.read(Document::wholeSourceLimit)), 1);
    } else {
        m_source->setSource(
            QStringLiteral("(The source of %1 cannot be shown: %2)").arg(m.parsed.source, file.errorString()), 1);
    }
}

void DocumentView::onRecipientSelected(int row)
{
    const RecipientModel *model = m_bounce->model();
    const DeliveryResult *r = model->result(row);
    if (!r) {
        m_source->highlightLines(0, 0);
        return;
    }
    const bool whole = !m_document->bytes.isEmpty() && m_document->bytes.size() <= Document::wholeSourceLimit;
    if (!whole)
        showSourceFor(model->messageOfRow(row));
    const QList<int> lines = recipientLines(row);
    if (lines.size() == 2)
        m_source->highlightLines(lines.at(0), lines.at(1), !m_linking);
    else
        m_source->highlightLines(0, 0);

    // Decode the diagnostic as a reply; the bounce decoder's verdict stays authoritative.
    Reply reply;
    const ReplyParseResult parsed = ReplyParser::parse(r->diagnostic);
    if (!parsed.replies.isEmpty() && parsed.replies.first().code != 0) {
        reply = parsed.replies.first();
    } else {
        reply.code = r->replyCode;
        reply.status = r->status;
        reply.lines = { r->diagnostic };
        reply.textLines = { r->diagnostic };
    }
    DecodeContext context { r->remoteMta, r->recipientDomain };
    Decoding decoding = m_decoder.decode(reply, context);
    decoding.classification = r->classification;
    m_panel->showResult({ decoding }, {});
}

void DocumentView::onSourceLine(int line)
{
    if (!m_document || m_linking)
        return;
    m_linking = true;
    if (m_document->kind == Document::Kind::Transcript) {
        const int row = m_conversation->model()->rowForLine(line);
        if (row >= 0 && row != m_conversation->currentStep())
            m_conversation->selectStep(row);
    } else if (m_document->kind == Document::Kind::Bounce) {
        // The recipient named nearest above the cursor, within the same message.
        const RecipientModel *model = m_bounce->model();
        int best = -1;
        int bestLine = 0;
        for (int row = 0; row < model->rowCount(); ++row) {
            const BounceMessage &m = m_document->messages.at(model->messageOfRow(row));
            if (m.lastLine >= 0 && (line < m.firstLine || line > m.lastLine))
                continue;
            const QList<int> lines = recipientLines(row);
            if (lines.size() == 2 && lines.at(0) <= line && lines.at(0) > bestLine) {
                best = row;
                bestLine = lines.at(0);
            }
        }
        if (best >= 0 && best != m_bounce->currentRecipient())
            m_bounce->selectRecipient(best);
    }
    m_linking = false;
}

void DocumentView::focusFind()
{
    if (!m_sourceBox->isVisible())
        return;
    m_find->setFocus(Qt::ShortcutFocusReason);
    m_find->selectAll();
}

bool DocumentView::findNext(bool backwards)
{
    const QString text = m_find->text();
    if (text.isEmpty())
        return false;
    const bool found = m_source->findText(text, backwards);
    m_findStatus->setText(found ? QStringLiteral("line %1").arg(m_source->cursorLine()) : QStringLiteral("not found"));
    return found;
}

} // namespace smtpscope::ui
