#pragma once

#include <QByteArrayView>
#include <QLatin1StringView>
#include <QStringView>

#include <cstring>

namespace smtpscope::core {

// Case-insensitive comparisons with ASCII names and keywords that answer exactly as Qt::CaseInsensitive does
// (simple case folding), without its per-character table lookups; and the ASCII test of bytes.

/// Whether every byte is below 0x80, eight at a time.
inline bool isAscii(QByteArrayView bytes)
{
    const char *p = bytes.data();
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    for (; i + 8 <= n; i += 8) {
        quint64 word;
        std::memcpy(&word, p + i, 8);
        if (word & 0x8080808080808080ULL)
            return false;
    }
    for (; i < n; ++i) {
        if (static_cast<unsigned char>(p[i]) >= 0x80)
            return false;
    }
    return true;
}

/// A character under case folding when it is compared with ASCII: ASCII letters lower-cased, and the two
/// non-ASCII letters whose simple case folding is an ASCII letter (U+017F LATIN SMALL LETTER LONG S folds to "s",
/// U+212A KELVIN SIGN to "k"); other characters as they are.
inline char16_t foldForAscii(char16_t c)
{
    if (c >= u'A' && c <= u'Z')
        return char16_t(c | 0x20);
    if (c == 0x017F)
        return u's';
    if (c == 0x212A)
        return u'k';
    return c;
}

namespace detail {

template<typename Name> inline bool equalsCi(Name name, QStringView other)
{
    if (name.size() != other.size())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char16_t a = name.at(i).unicode();
        if (a >= 128)
            return other.compare(name, Qt::CaseInsensitive) == 0;
        if (foldForAscii(a) != foldForAscii(other[i].unicode()))
            return false;
    }
    return true;
}

} // namespace detail

/// Whether @p other equals @p name case-insensitively, as QStringView::compare(…, Qt::CaseInsensitive) == 0 says
/// (simple case folding), without its per-character table lookups when @p name is ASCII, as header and field names
/// are: then only ASCII letters and the two letters that fold to ASCII ones (foldForAscii) can be equal to it.
inline bool equalsCi(QStringView name, QStringView other)
{
    return detail::equalsCi(name, other);
}

inline bool equalsCi(QLatin1StringView name, QStringView other)
{
    return detail::equalsCi(name, other);
}

/// @p t starts with the ASCII literal @p upper in any case: QStringView::startsWith(upper, Qt::CaseInsensitive),
/// folding by foldForAscii().
inline bool startsWithNoCase(QStringView t, QLatin1StringView upper)
{
    if (t.size() < upper.size())
        return false;
    for (qsizetype i = 0; i < upper.size(); ++i) {
        if (foldForAscii(t[i].unicode()) != foldForAscii(upper.at(i).unicode()))
            return false;
    }
    return true;
}

/// @p t contains the ASCII literal @p upper in any case: QStringView::contains(upper, Qt::CaseInsensitive),
/// folding by foldForAscii().
inline bool containsNoCase(QStringView t, QLatin1StringView upper)
{
    for (qsizetype at = 0; at + upper.size() <= t.size(); ++at) {
        if (startsWithNoCase(t.sliced(at), upper))
            return true;
    }
    return false;
}

} // namespace smtpscope::core
