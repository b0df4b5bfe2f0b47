#pragma once

#include <QLatin1StringView>
#include <QStringView>

namespace smtpscope::core {

// Case-insensitive comparisons with ASCII names and keywords that answer exactly as Qt::CaseInsensitive does
// (simple case folding), without its per-character table lookups.

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

/// Whether @p other equals @p name case-insensitively, as QStringView::compare(…, Qt::CaseInsensitive) == 0 says
/// (simple case folding), without its per-character table lookups when @p name is ASCII, as header and field names
/// are: then only ASCII letters and the two letters that fold to ASCII ones (foldForAscii) can be equal to it.
inline bool equalsCi(QStringView name, QStringView other)
{
    if (name.size() != other.size())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char16_t a = name[i].unicode();
        if (a >= 128)
            return name.compare(other, Qt::CaseInsensitive) == 0;
        if (foldForAscii(a) != foldForAscii(other[i].unicode()))
            return false;
    }
    return true;
}

inline bool equalsCi(QLatin1StringView name, QStringView other)
{
    if (name.size() != other.size())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const auto a = static_cast<unsigned char>(name.data()[i]);
        if (a >= 128)
            return other.compare(name, Qt::CaseInsensitive) == 0;
        if (foldForAscii(a) != foldForAscii(other[i].unicode()))
            return false;
    }
    return true;
}

/// @p t starts with the ASCII literal @p upper in any case: QStringView::startsWith(upper, Qt::CaseInsensitive),
/// folding by foldForAscii().
inline bool startsWithNoCase(QStringView t, QLatin1StringView upper)
{
    if (t.size() < upper.size())
        return false;
    for (qsizetype i = 0; i < upper.size(); ++i) {
        if (foldForAscii(t[i].unicode()) != foldForAscii(char16_t(uchar(upper.at(i).toLatin1()))))
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
