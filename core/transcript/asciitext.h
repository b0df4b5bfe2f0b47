#pragma once

#include <QLatin1StringView>
#include <QString>

namespace smtpscope::core {

/// An ASCII literal to compare strings with where it happens per line or per step (verbs, keywords): the
/// lengths and the first characters are compared inline, and only strings that agree on both are compared
/// in full. Equality is exactly QString's.
struct Ascii
{
    QLatin1StringView text;

    constexpr explicit Ascii(const char *s) noexcept
        : text(s)
    { }
};

inline bool operator==(QStringView s, Ascii lit) noexcept
{
    return s.size() == lit.text.size() && (s.isEmpty() || s.front().unicode() == uchar(lit.text.front().toLatin1()))
        && s == lit.text;
}

inline bool operator!=(QStringView s, Ascii lit) noexcept
{
    return !(s == lit);
}

inline bool operator==(const QString &s, Ascii lit) noexcept
{
    return QStringView(s) == lit;
}

inline bool operator!=(const QString &s, Ascii lit) noexcept
{
    return !(QStringView(s) == lit);
}

/// Where @p c first occurs in @p t at or after @p from (>= 0), or -1: QStringView::indexOf(c, from), which goes
/// through the general substring search in this Qt.
inline qsizetype indexOfChar(QStringView t, char16_t c, qsizetype from = 0)
{
    const char16_t *d = t.utf16();
    for (qsizetype at = from; at < t.size(); ++at)
        if (d[at] == c)
            return at;
    return -1;
}

} // namespace smtpscope::core
