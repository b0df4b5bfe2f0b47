#include "documentmodel.h"

#include <QApplication>
#include <QStyle>

namespace smtpscope::ui {

DocumentModel::DocumentModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int DocumentModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant DocumentModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_entries.at(index.row());
    const Document *doc = e.document.get();
    switch (role) {
    case Qt::DisplayRole:
    case SortRole: {
        if (role == SortRole)
            return e.title;
        QString second;
        if (!doc)
            second = e.progress < 0 ? QStringLiteral("Reading…") : QStringLiteral("Loading… %1%").arg(e.progress / 10);
        else
            second = doc->summary();
        return QString(e.title + QLatin1Char('\n') + second);
    }
    case Qt::ToolTipRole: {
        QString tip = e.path.isEmpty() ? e.title : e.path;
        if (doc)
            tip += QLatin1Char('\n') + doc->summary();
        return tip;
    }
    case Qt::DecorationRole: {
        QStyle *style = QApplication::style();
        if (!doc)
            return style->standardIcon(QStyle::SP_BrowserReload);
        switch (doc->kind) {
        case Document::Kind::Transcript:
            return style->standardIcon(QStyle::SP_FileDialogDetailedView);
        case Document::Kind::Bounce:
            return style->standardIcon(QStyle::SP_FileIcon);
        case Document::Kind::Unrecognised:
            return style->standardIcon(QStyle::SP_MessageBoxQuestion);
        case Document::Kind::Error:
            return style->standardIcon(QStyle::SP_MessageBoxWarning);
        }
        return {};
    }
    case JobRole:
        return e.job;
    case LoadingRole:
        return doc == nullptr;
    case ProgressRole:
        return e.progress;
    case KindRole:
        return doc ? int(doc->kind) : -1;
    case ErrorRole:
        return doc ? doc->error : QString();
    case PathRole:
        return e.path;
    default:
        return {};
    }
}

int DocumentModel::addLoading(int job, const QString &title, const QString &path)
{
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.append({ job, title, path, -1, nullptr });
    endInsertRows();
    return row;
}

void DocumentModel::setProgress(int job, int permille)
{
    const int row = rowOfJob(job);
    if (row < 0 || m_entries.at(row).progress == permille)
        return;
    m_entries[row].progress = permille;
    Q_EMIT dataChanged(index(row), index(row), { Qt::DisplayRole, ProgressRole });
}

void DocumentModel::setDocument(int job, DocumentPtr document)
{
    const int row = rowOfJob(job);
    if (row < 0)
        return;
    Entry &e = m_entries[row];
    e.document = std::move(document);
    if (e.document && !e.document->title.isEmpty())
        e.title = e.document->title;
    e.progress = 1000;
    Q_EMIT dataChanged(index(row), index(row));
}

void DocumentModel::removeJob(int job)
{
    removeRow(rowOfJob(job));
}

void DocumentModel::removeRow(int row)
{
    if (row < 0 || row >= m_entries.size())
        return;
    beginRemoveRows({}, row, row);
    m_entries.removeAt(row);
    endRemoveRows();
}

int DocumentModel::rowOfJob(int job) const
{
    for (qsizetype i = 0; i < m_entries.size(); ++i)
        if (m_entries.at(i).job == job)
            return int(i);
    return -1;
}

DocumentPtr DocumentModel::document(int row) const
{
    return row >= 0 && row < m_entries.size() ? m_entries.at(row).document : nullptr;
}

} // namespace smtpscope::ui
