#pragma once

#include "document.h"

#include "kb/knowledgebase.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

namespace smtpscope::ui {

/// The per-recipient results of every bounce message of a document, one row each.
class RecipientModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        RecipientColumn,
        ActionColumn,
        StatusColumn,
        ReplyColumn,
        ReasonColumn,
        HardColumn,
        ToDoColumn,
        RemoteMtaColumn,
        DiagnosticColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole,
        MessageRole, ///< index into Document::messages
        ResultRole, ///< index into that message's results
        ReplyClassRole,
        FilterRole, ///< every column's text, for the filter
    };

    explicit RecipientModel(QObject *parent = nullptr);

    void setDocument(DocumentPtr document, std::shared_ptr<const core::KnowledgeBase> kb);
    const core::DeliveryResult *result(int row) const;
    int messageOfRow(int row) const { return row >= 0 && row < m_rows.size() ? m_rows.at(row).first : -1; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString text(const core::DeliveryResult &r, int messageIndex, int column) const;

    DocumentPtr m_document;
    std::shared_ptr<const core::KnowledgeBase> m_kb;
    QList<QPair<int, int>> m_rows; ///< (message, result)
};

/// Sorts recipients by raw values and filters them by a text found in any column.
class RecipientProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit RecipientProxy(QObject *parent = nullptr);
    void setFilterText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_filter;
};

} // namespace smtpscope::ui
