#include "conversationview.h"

#include "conversationdelegate.h"
#include "conversationmodel.h"
#include "htmlbuilder.h"
#include "statuscolors.h"

#include <QComboBox>
#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QTreeView>
#include <QVBoxLayout>

namespace smtpscope::ui {

using namespace smtpscope::core;

ConversationView::ConversationView(QWidget *parent)
    : QWidget(parent)
    , m_model(new ConversationModel(this))
    , m_sessions(new SessionListModel(this))
    , m_selector(new QComboBox(this))
    , m_summary(new QLabel(this))
    , m_view(new QTreeView(this))
{
    m_selector->setObjectName(QStringLiteral("sessionSelector"));
    m_selector->setModel(m_sessions);
    // Never measure every session of a large log.
    m_selector->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_selector->setMinimumContentsLength(40);
    if (auto *list = qobject_cast<QListView *>(m_selector->view()))
        list->setUniformItemSizes(true);
    m_selector->setToolTip(QStringLiteral("Sessions in this file"));
    m_summary->setObjectName(QStringLiteral("sessionSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setContentsMargins(4, 2, 4, 2);

    m_view->setObjectName(QStringLiteral("conversationView"));
    m_view->setModel(m_model);
    m_view->setItemDelegate(new ConversationDelegate(m_view));
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(ConversationModel::StepColumn, QHeaderView::ResizeToContents);
    m_view->header()->setSectionResizeMode(ConversationModel::ClientColumn, QHeaderView::Interactive);
    m_view->header()->setSectionResizeMode(ConversationModel::ServerColumn, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(ConversationModel::LinesColumn, QHeaderView::ResizeToContents);
    m_view->header()->resizeSection(ConversationModel::ClientColumn, 250);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_selector);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);

    connect(m_selector, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0 && index != m_session)
            setCurrentSession(index);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) { Q_EMIT stepSelected(current.isValid() ? current.row() : -1); });
}

void ConversationView::setDocument(DocumentPtr document)
{
    m_document = std::move(document);
    m_session = -1;
    const Transcript *t = m_document ? &m_document->transcript : nullptr;
    m_sessions->setTranscript(t);
    m_selector->setVisible(t && t->sessions.size() > 1);
    if (!t || t->sessions.isEmpty()) {
        m_model->setSession({});
        updateSummary();
        return;
    }
    // Found by the loader, off the GUI thread.
    setCurrentSession(std::max(0, m_document->firstFailingSession));
}

void ConversationView::setCurrentSession(int session)
{
    if (!m_document || session < 0 || session >= m_document->transcript.sessions.size())
        return;
    m_session = session;
    {
        const QSignalBlocker block(m_selector);
        m_selector->setCurrentIndex(session);
    }
    m_model->setSession(m_document->transcript.sessions.at(session));
    updateSummary();
    Q_EMIT sessionChanged(session);
    const int failing = m_model->firstFailingRow();
    selectStep(failing >= 0 ? failing : 0);
}

void ConversationView::selectStep(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    const QModelIndex index = m_model->index(row, 0);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

int ConversationView::currentStep() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void ConversationView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateSummary();
}

void ConversationView::updateSummary()
{
    if (!m_document || m_session < 0) {
        m_summary->clear();
        return;
    }
    const StatusColors colors(palette());
    const HtmlBuilder html(colors);
    const Session &s = m_document->transcript.sessions.at(m_session);
    QStringList parts;
    parts.append(QStringLiteral("<b>") + HtmlBuilder::escape(s.client.isEmpty() ? QStringLiteral("?") : s.client)
        + QStringLiteral("</b> → <b>") + HtmlBuilder::escape(s.server.isEmpty() ? QStringLiteral("?") : s.server)
        + QStringLiteral("</b>")
        + (s.peer.isEmpty() || s.peer == s.server ? QString()
                                                  : QStringLiteral(" (") + HtmlBuilder::escape(s.peer) + u')'));
    const QString tls = s.tls.mode == TlsInfo::Mode::None
        ? html.accent(4, QStringLiteral("no TLS"))
        : html.accent(2, QStringLiteral("TLS: ") + tlsModeName(s.tls.mode))
            + (s.tls.detail.isEmpty() ? QString()
                                      : QStringLiteral(" ") + html.muted(HtmlBuilder::escape(s.tls.detail)));
    parts.append(tls);
    parts.append(html.muted(QStringLiteral("%1 · lines %2–%3")
                                .arg(HtmlBuilder::escape(m_document->transcript.dialect))
                                .arg(s.firstLine)
                                .arg(s.lastLine)));
    QString text = parts.join(QStringLiteral(" &nbsp;·&nbsp; "));
    if (s.capabilities.seen && !s.capabilities.keywords.isEmpty())
        text += QStringLiteral("<br>") + html.muted(QStringLiteral("Capabilities: "))
            + HtmlBuilder::escape(s.capabilities.keywords.join(QStringLiteral(", ")));
    QStringList outcomes;
    for (const RecipientOutcome &o : s.outcomes) {
        const int cls = ConversationModel::replyClass(o.reply);
        outcomes.append(HtmlBuilder::escape(o.recipient) + QLatin1Char(' ')
            + html.accent(cls, HtmlBuilder::escape(outcomeKindName(o.kind) + QLatin1Char(' ') + o.reply.codeLabel())));
    }
    if (!outcomes.isEmpty())
        text += QStringLiteral("<br>") + html.muted(QStringLiteral("Recipients: "))
            + outcomes.join(QStringLiteral(", "));
    if (!s.findings.isEmpty())
        text += QStringLiteral("<br>") + html.accent(4, QStringLiteral("⚠ "))
            + QStringLiteral("%1 finding%2: ")
                  .arg(s.findings.size())
                  .arg(s.findings.size() == 1 ? QString() : QStringLiteral("s"))
            + HtmlBuilder::escape(s.findings.first().text) + (s.findings.size() > 1 ? QStringLiteral(" …") : QString());
    m_summary->setText(text);
}

} // namespace smtpscope::ui
