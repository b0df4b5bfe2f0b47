#pragma once

#include "document.h"

#include <QAbstractListModel>

namespace smtpscope::ui {

/// The documents opened in the workbench, in the order they were opened, including those still loading.
class DocumentModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        SortRole = Qt::UserRole,
        JobRole, ///< the loader's job id (int)
        LoadingRole, ///< bool
        ProgressRole, ///< per mille read, -1 while parsing
        KindRole, ///< Document::Kind as int, -1 while loading
        ErrorRole, ///< the inline error, empty when fine
        PathRole,
    };

    explicit DocumentModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    /// Adds a row for a job that is loading; returns its row.
    int addLoading(int job, const QString &title, const QString &path);
    void setProgress(int job, int permille);
    /// Replaces the loading row of @p job with its document.
    void setDocument(int job, DocumentPtr document);
    void removeJob(int job);
    void removeRow(int row);

    int rowOfJob(int job) const;
    DocumentPtr document(int row) const;

private:
    struct Entry
    {
        int job = 0;
        QString title;
        QString path;
        int progress = -1;
        DocumentPtr document;
    };
    QList<Entry> m_entries;
};

} // namespace smtpscope::ui
