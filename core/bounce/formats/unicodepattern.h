#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringView>

#include <memory>

namespace re2 {
class RE2;
}

namespace smtpscope::core::bounce {

/// A case-insensitive expression written in PCRE2's syntax with Unicode properties (as QRegularExpression with
/// CaseInsensitiveOption | UseUnicodePropertiesOption reads it), matched by RE2: one pass of an automaton over the
/// text, where PCRE2 tries a long alternation at every position its first letters allow. The expression may use
/// \s, \S, \w, \d and \b (translated to RE2's Unicode classes; \b only next to a word character of the
/// expression, as in a word list) but no look-around or back-reference. Matches as QRegularExpression would,
/// except on text with a lone surrogate, which RE2 reads as '?' where PCRE2 refuses the whole text.
/// Immutable after construction: safe to use from several threads at once.
/// UTF-16 code units of the valid UTF-8 in [@p begin, @p end) (as QString::toUtf8() writes it): to turn RE2's byte
/// offsets into QString positions.
qsizetype utf16Units(const char *begin, const char *end);

class UnicodePattern
{
public:
    UnicodePattern(const char *pcrePattern, bool multiline = false);
    ~UnicodePattern();
    UnicodePattern(UnicodePattern &&) noexcept;
    UnicodePattern &operator=(UnicodePattern &&) noexcept;

    bool isValid() const;
    /// The expression as written, in PCRE2's syntax.
    const char *pcrePattern() const { return m_pcre; }
    /// Whether the expression matches somewhere in @p text.
    bool matches(QStringView text) const;
    /// The same for text already in UTF-8 (to convert once for several expressions).
    bool matchesUtf8(QByteArrayView utf8) const;
    /// The first match that starts at @p from or later (context before @p from counts for ^ and \b): its start
    /// and end in UTF-16 code units. False when there is none.
    bool find(QStringView text, qsizetype from, qsizetype *start, qsizetype *end) const;
    /// The first match's capturing groups (1 to @p count), empty for a group that took no part.
    bool capture(QStringView text, int count, QStringList *groups) const;

    /// The RE2 syntax @p pcrePattern becomes (exposed for tests).
    static QByteArray translate(const char *pcrePattern, bool multiline);

private:
    const char *m_pcre;
    std::unique_ptr<re2::RE2> m_re;
};

} // namespace smtpscope::core::bounce
