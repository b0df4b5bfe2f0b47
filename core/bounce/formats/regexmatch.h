#pragma once

#include "util/asciicase.h"

#include <QRegularExpression>
#include <QString>
#include <QStringView>

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace smtpscope::core::bounce {

/// Whether @p s holds a UTF-16 surrogate code unit: one pass, 8 code units at a time.
inline bool hasSurrogate(QStringView s)
{
    const char16_t *p = s.utf16();
    const qsizetype n = s.size();
    qsizetype i = 0;
#if defined(__SSE2__)
    const __m128i mask = _mm_set1_epi16(short(0xF800));
    const __m128i surrogate = _mm_set1_epi16(short(0xD800));
    for (; i + 8 <= n; i += 8) {
        __m128i v;
        std::memcpy(&v, p + i, sizeof v);
        if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(v, mask), surrogate)))
            return true;
    }
#endif
    for (; i < n; ++i) {
        if ((p[i] & 0xF800) == 0xD800)
            return true;
    }
    return false;
}

/// The index of the first CR or LF in @p text at @p from or later, or text.size(): 8 code units at a time.
inline qsizetype lineEnd(QStringView text, qsizetype from)
{
    const char16_t *p = text.utf16();
    const qsizetype n = text.size();
    qsizetype i = from;
#if defined(__SSE2__)
    const __m128i lf = _mm_set1_epi16(u'\n');
    const __m128i cr = _mm_set1_epi16(u'\r');
    for (; i + 8 <= n; i += 8) {
        __m128i v;
        std::memcpy(&v, p + i, sizeof v);
        const int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi16(v, lf), _mm_cmpeq_epi16(v, cr)));
        if (mask)
            return i + qsizetype(__builtin_ctz(unsigned(mask)) / 2);
    }
#endif
    while (i < n && p[i] != u'\n' && p[i] != u'\r')
        ++i;
    return i;
}

/// The match options for @p subject: PCRE2 checks that every subject is valid UTF-16 before each match, a pass
/// over the whole subject that costs as much as the match itself on long texts. Text without surrogates is
/// valid UTF-16, so that check is skipped for it (DontCheckSubjectStringMatchOption); text with surrogates is
/// checked as before. The results are the same either way.
inline QRegularExpression::MatchOptions subjectOptions(QStringView subject)
{
    return hasSurrogate(subject) ? QRegularExpression::NoMatchOption
                                 : QRegularExpression::DontCheckSubjectStringMatchOption;
}

using smtpscope::core::equalsCi;
using smtpscope::core::foldForAscii;

/// QRegularExpression::match and globalMatch with subjectOptions().
inline QRegularExpressionMatch match(const QRegularExpression &re, const QString &subject, qsizetype offset = 0)
{
    return re.match(subject, offset, QRegularExpression::NormalMatch, subjectOptions(subject));
}

inline QRegularExpressionMatch match(const QRegularExpression &re, QStringView subject, qsizetype offset = 0)
{
    return re.match(subject, offset, QRegularExpression::NormalMatch, subjectOptions(subject));
}

inline QRegularExpressionMatchIterator globalMatch(
    const QRegularExpression &re, const QString &subject, qsizetype offset = 0)
{
    return re.globalMatch(subject, offset, QRegularExpression::NormalMatch, subjectOptions(subject));
}

inline QRegularExpressionMatchIterator globalMatch(
    const QRegularExpression &re, QStringView subject, qsizetype offset = 0)
{
    return re.globalMatch(subject, offset, QRegularExpression::NormalMatch, subjectOptions(subject));
}

} // namespace smtpscope::core::bounce
