#include "codereferenceproxy.h"

#include "codereferencemodel.h"

#include <QRegularExpression>

namespace smtpscope::ui {

CodeReferenceProxy::CodeReferenceProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    // A matching subject or provider shows all of its entries.
    setAutoAcceptChildRows(true);
    setSortRole(CodeReferenceModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setFilterRole(CodeReferenceModel::SearchTextRole);
}

QStringList CodeReferenceProxy::alternatives(const QString &word)
{
    // The registry lists X.7.26 for both 4.7.26 and 5.7.26 (and 2.x.x for successes).
    static const QRegularExpression concrete(QStringLiteral(R"(^[245]\.\d{1,3}(\.\d{0,3})?$)"));
    QStringList out { word };
    if (concrete.match(word).hasMatch())
        out.append(QLatin1Char('X') + word.mid(1));
    return out;
}

void CodeReferenceProxy::setSearchText(const QString &text)
{
    const QString simplified = text.simplified();
    if (simplified == m_search)
        return;
    m_search = simplified;
    m_words.clear();
    const QStringList words = m_search.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &word : words)
        m_words.append(alternatives(word));
    invalidateRowsFilter();
}

namespace {

// A complete enhanced code must not match a longer one: 5.1.1 is not 5.1.10.
bool isCompleteCode(const QString &word)
{
    static const QRegularExpression complete(QStringLiteral(R"(^[245xX]\.\d{1,3}\.\d{1,3}$)"));
    return complete.match(word).hasMatch();
}

bool containsWord(const QString &text, const QString &word)
{
    if (!isCompleteCode(word))
        return text.contains(word, Qt::CaseInsensitive);
    for (qsizetype at = text.indexOf(word, 0, Qt::CaseInsensitive); at >= 0;
         at = text.indexOf(word, at + 1, Qt::CaseInsensitive)) {
        const qsizetype end = at + word.size();
        if (end >= text.size() || !text.at(end).isDigit())
            return true;
    }
    return false;
}

} // namespace

bool CodeReferenceProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_words.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QString text = index.data(filterRole()).toString();
    if (text.isEmpty())
        return false;
    for (const QStringList &alternatives : m_words) {
        const bool found = std::any_of(
            alternatives.cbegin(), alternatives.cend(), [&](const QString &word) { return containsWord(text, word); });
        if (!found)
            return false;
    }
    return true;
}

} // namespace smtpscope::ui
