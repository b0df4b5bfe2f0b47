#pragma once

#include <QSortFilterProxyModel>

namespace smtpscope::ui {

/// Filters the code reference by a search: every word must occur in an entry's code, title or meaning
/// (case-insensitive). A concrete enhanced code ("5.7.26", "4.7.26") also finds its registry form (X.7.26).
class CodeReferenceProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit CodeReferenceProxy(QObject *parent = nullptr);

    QString searchText() const { return m_search; }
    void setSearchText(const QString &text);

    /// The alternatives a search word matches: itself, and for "5.7.26" also "X.7.26".
    static QStringList alternatives(const QString &word);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_search;
    QList<QStringList> m_words; ///< per word, its alternatives
};

} // namespace smtpscope::ui
