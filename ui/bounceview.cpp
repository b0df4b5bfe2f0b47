#include "bounceview.h"

#include "htmlbuilder.h"
#include "recipientdelegate.h"
#include "recipientmodel.h"
#include "statuscolors.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTreeView>
#include <QVBoxLayout>

namespace smtpscope::ui {

using namespace smtpscope::core;

BounceView::BounceView(std::shared_ptr<const KnowledgeBase> kb, QWidget *parent)
    : QWidget(parent)
    , m_kb(std::move(kb))
    , m_model(new RecipientModel(this))
    , m_proxy(new RecipientProxy(this))
    , m_filter(new QLineEdit(this))
    , m_count(new QLabel(this))
    , m_view(new QTreeView(this))
    , m_tabs(new QTabWidget(this))
    , m_info(new QTextBrowser(this))
    , m_mimeView(new QTreeView(this))
    , m_mime(new QStandardItemModel(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
{
    m_proxy->setSourceModel(m_model);
    m_filter->setObjectName(QStringLiteral("recipientFilter"));
    m_filter->setPlaceholderText(QStringLiteral("Filter recipients: address, status, reason, domain…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(QStringLiteral("Show only the recipients whose columns contain every word typed"));
    m_count->setObjectName(QStringLiteral("recipientCount"));

    m_view->setObjectName(QStringLiteral("recipientView"));
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new RecipientDelegate(m_view));
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->header()->resizeSection(RecipientModel::RecipientColumn, 190);
    for (int c : { RecipientModel::ActionColumn, RecipientModel::StatusColumn, RecipientModel::ReplyColumn,
             RecipientModel::HardColumn })
        m_view->header()->resizeSection(c, m_view->fontMetrics().horizontalAdvance(QStringLiteral("Hard/soft")) + 14);
    m_view->header()->resizeSection(RecipientModel::ReasonColumn, 100);
    m_view->header()->resizeSection(RecipientModel::ToDoColumn, 170);
    m_view->header()->resizeSection(RecipientModel::RemoteMtaColumn, 150);

    m_info->setObjectName(QStringLiteral("messageInfo"));
    m_info->setOpenLinks(false);
    m_mimeView->setObjectName(QStringLiteral("mimeView"));
    m_mimeView->setModel(m_mime);
    m_mimeView->setUniformRowHeights(true);
    m_mimeView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_info, QStringLiteral("Message"));
    m_tabs->addTab(m_mimeView, QStringLiteral("MIME structure"));

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(m_filter, 1);
    filterRow->addWidget(m_count);
    topLayout->addLayout(filterRow);
    topLayout->addWidget(m_view, 1);
    m_splitter->addWidget(top);
    m_splitter->addWidget(m_tabs);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({ 180, 320 });
    m_splitter->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterText(text);
        updateCount();
    });
    connect(
        m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
            const int row = current.isValid() ? m_proxy->mapToSource(current).row() : -1;
            if (row >= 0)
                showMessage(m_model->messageOfRow(row));
            Q_EMIT recipientSelected(row);
        });
}

void BounceView::setDocument(DocumentPtr document)
{
    m_document = std::move(document);
    m_message = -1;
    m_model->setDocument(m_document, m_kb);
    m_view->setColumnHidden(RecipientModel::MessageColumn, !m_document || m_document->messages.size() < 2);
    updateCount();
    showMessage(m_document && !m_document->messages.isEmpty() ? 0 : -1);
    if (m_proxy->rowCount() > 0)
        selectRecipient(m_proxy->mapToSource(m_proxy->index(0, 0)).row());
}

void BounceView::selectRecipient(int sourceRow)
{
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    if (!index.isValid())
        return;
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

int BounceView::currentRecipient() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? m_proxy->mapToSource(current).row() : -1;
}

void BounceView::updateCount()
{
    const int all = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    m_count->setText(shown == all
            ? QStringLiteral("%1 recipient%2").arg(all).arg(all == 1 ? QString() : QStringLiteral("s"))
            : QStringLiteral("%1 of %2").arg(shown).arg(all));
}

void BounceView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_message >= 0) {
        const int message = m_message;
        m_message = -1;
        showMessage(message);
    }
}

void BounceView::showMessage(int message)
{
    if (message == m_message)
        return;
    m_message = message;
    m_mime->clear();
    m_mime->setHorizontalHeaderLabels({ QStringLiteral("Part"), QStringLiteral("Size"), QStringLiteral("Name") });
    if (!m_document || message < 0 || message >= m_document->messages.size()) {
        m_info->clear();
        return;
    }
    const BounceMessage &m = m_document->messages.at(message);
    const BounceReport &r = m.report;
    const StatusColors colors(palette());
    HtmlBuilder html(colors);
    if (r.results.isEmpty()) {
        const QString note = r.note.isEmpty() ? r.kind : r.note;
        html.paragraph(html.accent(4,
                           QStringLiteral("<b>")
                               + HtmlBuilder::escape(note.isEmpty() ? QStringLiteral("No recipient results")
                                                                    : note.left(1).toUpper() + note.mid(1))
                               + QStringLiteral("</b>"))
            + QStringLiteral(": this message holds no delivery results to show."));
    }
    html.heading(QStringLiteral("Original message"), 4);
    html.beginTable();
    html.row(QStringLiteral("Message-ID"), HtmlBuilder::escape(r.original.messageId));
    html.row(QStringLiteral("From"), HtmlBuilder::escape(r.original.from));
    html.row(QStringLiteral("To"), HtmlBuilder::escape(r.original.to));
    html.row(QStringLiteral("Subject"), HtmlBuilder::escape(r.original.subject));
    html.row(QStringLiteral("Date"), HtmlBuilder::escape(r.original.date));
    if (r.original.messageId.isEmpty() && r.original.from.isEmpty() && r.original.subject.isEmpty())
        html.row(QStringLiteral("Identity"), html.muted(QStringLiteral("not returned with the bounce")));
    html.endTable();
    html.heading(QStringLiteral("Report"), 4);
    html.beginTable();
    html.row(QStringLiteral("Kind"), HtmlBuilder::escape(r.kind));
    html.row(QStringLiteral("Reporting MTA"), HtmlBuilder::escape(r.reportingMta));
    if (r.arrivalDate.isValid())
        html.row(QStringLiteral("Arrival date"), HtmlBuilder::escape(QLocale::system().toString(r.arrivalDate)));
    html.row(QStringLiteral("Feedback type"), HtmlBuilder::escape(r.feedbackType));
    html.row(QStringLiteral("Bounce from"), HtmlBuilder::escape(m.parsed.header(u"From")));
    html.row(QStringLiteral("Bounce subject"), HtmlBuilder::escape(m.parsed.header(u"Subject")));
    html.row(QStringLiteral("Bounce date"), HtmlBuilder::escape(m.parsed.header(u"Date")));
    html.row(QStringLiteral("Source"),
        HtmlBuilder::escape(m.parsed.source)
            + (m_document->messages.size() > 1 ? html.muted(QStringLiteral(" · message %1").arg(r.index)) : QString()));
    if (!m.parsed.note.isEmpty())
        html.row(QStringLiteral("Note"), html.accent(4, HtmlBuilder::escape(m.parsed.note)));
    html.endTable();
    for (const DeliveryResult &d : r.results) {
        html.heading(QStringLiteral("Delivery status: ") + HtmlBuilder::escape(d.recipient), 4);
        html.beginTable();
        html.row(QStringLiteral("Original recipient"), HtmlBuilder::escape(d.originalRecipient));
        html.row(QStringLiteral("Action"), HtmlBuilder::escape(d.action));
        html.row(QStringLiteral("Status"), d.status.isValid() ? HtmlBuilder::escape(d.status.toString()) : QString());
        html.row(QStringLiteral("Remote MTA"), HtmlBuilder::escape(d.remoteMta));
        html.row(QStringLiteral("Diagnostic"),
            html.monospace((d.diagnosticType.isEmpty() ? QString() : HtmlBuilder::escape(d.diagnosticType) + u"; ")
                + HtmlBuilder::escape(d.diagnostic)));
        html.row(QStringLiteral("Failed at"), HtmlBuilder::escape(d.failedCommand));
        if (d.lastAttempt.isValid())
            html.row(QStringLiteral("Last attempt"), HtmlBuilder::escape(QLocale::system().toString(d.lastAttempt)));
        if (d.willRetryUntil.isValid())
            html.row(
                QStringLiteral("Will retry until"), HtmlBuilder::escape(QLocale::system().toString(d.willRetryUntil)));
        html.row(QStringLiteral("Receiver"),
            HtmlBuilder::escape(d.provider.isEmpty() ? d.registrableDomain
                                                     : d.provider + QStringLiteral(" (") + d.recipientDomain + u')'));
        html.endTable();
    }
    m_info->setHtml(html.html());

    // The MIME tree: parts are listed depth-first with their parent's index.
    QList<QStandardItem *> items;
    items.reserve(m.parsed.parts.size());
    for (const MimePart &p : m.parsed.parts) {
        auto *type = new QStandardItem(p.contentType.isEmpty() ? QStringLiteral("(no type)") : p.contentType);
        QStringList tip;
        for (const auto &[name, value] : p.headers)
            tip.append(name + QStringLiteral(": ") + value.left(200));
        type->setToolTip(tip.join(QLatin1Char('\n')));
        auto *size = new QStandardItem(QLocale::system().formattedDataSize(p.size));
        auto *name = new QStandardItem(p.fileName + (p.attachment ? QStringLiteral(" (attachment)") : QString()));
        QStandardItem *parent
            = p.parent >= 0 && p.parent < items.size() ? items.at(p.parent) : m_mime->invisibleRootItem();
        parent->appendRow({ type, size, name });
        items.append(type);
    }
    m_mimeView->expandAll();
    m_mimeView->resizeColumnToContents(0);
}

} // namespace smtpscope::ui
