#include "recipientmodel.h"

#include "kbtext.h"

namespace smtpscope::ui {

using namespace smtpscope::core;

RecipientModel::RecipientModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void RecipientModel::setDocument(DocumentPtr document, std::shared_ptr<const KnowledgeBase> kb)
{
    beginResetModel();
    m_document = std::move(document);
    m_kb = std::move(kb);
    m_rows.clear();
    if (m_document) {
        for (qsizetype m = 0; m < m_document->messages.size(); ++m)
            for (qsizetype r = 0; r < m_document->messages.at(m).report.results.size(); ++r)
                m_rows.append({ int(m), int(r) });
    }
    endResetModel();
}

const DeliveryResult *RecipientModel::result(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return nullptr;
    const auto [m, r] = m_rows.at(row);
    return &m_document->messages.at(m).report.results.at(r);
}

int RecipientModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RecipientModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RecipientModel::text(const DeliveryResult &r, int messageIndex, int column) const
{
    const Classification &c = r.classification;
    switch (column) {
    case RecipientColumn:
        return r.recipient;
    case ActionColumn:
        return r.action;
    case StatusColumn:
        return r.status.isValid() ? r.status.toString() : QString();
    case ReplyColumn:
        return r.replyCode ? QString::number(r.replyCode) : QString();
    case ReasonColumn:
        return c.reason;
    case HardColumn: {
        const int cls = r.replyCode ? r.replyCode / 100 : r.status.statusClass;
        if (cls != 4 && cls != 5 && r.action != u"failed" && r.action != u"delayed")
            return QString();
        return c.hard ? QStringLiteral("hard") : QStringLiteral("soft");
    }
    case ToDoColumn:
        return m_kb ? KbText::action(*m_kb, c.action) : c.action;
    case RemoteMtaColumn:
        return r.remoteMta;
    case DiagnosticColumn:
        return r.diagnostic.simplified();
    case MessageColumn: {
        const BounceMessage &m = m_document->messages.at(messageIndex);
        return m.parsed.source.section(QLatin1Char('/'), -1) + QLatin1Char('#') + QString::number(m.report.index);
    }
    }
    return {};
}

QVariant RecipientModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto [m, ri] = m_rows.at(index.row());
    const DeliveryResult &r = m_document->messages.at(m).report.results.at(ri);
    const int cls = r.replyCode ? r.replyCode / 100 : r.status.statusClass;
    switch (role) {
    case Qt::DisplayRole:
        return text(r, m, index.column());
    case SortRole:
        switch (index.column()) {
        case ReplyColumn:
            return r.replyCode;
        case StatusColumn:
            return r.status.isValid() ? r.status.statusClass * 1000000 + r.status.subject * 1000 + r.status.detail : -1;
        case MessageColumn:
            return m * 100000 + ri;
        case HardColumn:
            return r.classification.hard;
        default:
            return text(r, m, index.column()).toLower();
        }
    case Qt::ToolTipRole:
        if (index.column() == DiagnosticColumn || index.column() == RecipientColumn)
            return r.diagnostic;
        if (index.column() == ReasonColumn && m_kb)
            return KbText::reasonDescription(*m_kb, r.classification.reason);
        return {};
    case Qt::ForegroundRole:
        return {};
    case MessageRole:
        return m;
    case ResultRole:
        return ri;
    case ReplyClassRole:
        return cls;
    case FilterRole: {
        QStringList all;
        for (int c = 0; c < ColumnCount; ++c)
            all.append(text(r, m, c));
        return all.join(QLatin1Char('\n'));
    }
    default:
        return {};
    }
}

QVariant RecipientModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == ToDoColumn)
        return QStringLiteral("The recommended action for this recipient");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RecipientColumn:
        return QStringLiteral("Recipient");
    case ActionColumn:
        return QStringLiteral("Action");
    case StatusColumn:
        return QStringLiteral("Status");
    case ReplyColumn:
        return QStringLiteral("Reply");
    case ReasonColumn:
        return QStringLiteral("Reason");
    case HardColumn:
        return QStringLiteral("Hard/soft");
    case ToDoColumn:
        return QStringLiteral("What to do");
    case RemoteMtaColumn:
        return QStringLiteral("Remote MTA");
    case DiagnosticColumn:
        return QStringLiteral("Diagnostic");
    case MessageColumn:
        return QStringLiteral("Message");
    }
    return {};
}

RecipientProxy::RecipientProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(RecipientModel::SortRole);
}

void RecipientProxy::setFilterText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_filter)
        return;
    m_filter = trimmed;
    invalidateRowsFilter();
}

bool RecipientProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filter.isEmpty())
        return true;
    const QString all = sourceModel()->index(sourceRow, 0, sourceParent).data(RecipientModel::FilterRole).toString();
    const QStringList words = m_filter.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return std::all_of(
        words.cbegin(), words.cend(), [&all](const QString &w) { return all.contains(w, Qt::CaseInsensitive); });
}

} // namespace smtpscope::ui
