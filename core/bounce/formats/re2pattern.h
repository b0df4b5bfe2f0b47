#pragma once

#include <QByteArrayView>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <memory>

namespace re2 {
class RE2;
}

namespace smtpscope::core::bounce {

/// UTF-16 code units of the valid UTF-8 in [@p begin, @p end) (as QString::toUtf8() writes it): to turn RE2's byte
/// offsets into QString positions.
qsizetype utf16Units(const char *begin, const char *end);

/// A regular expression written in PCRE2's syntax and read as QRegularExpression would read it, matched by RE2: one
/// pass of an automaton over the text, where PCRE2 tries a long alternation at every position its first letters
/// allow. \s, \S, \w, \d and \b are translated to what PCRE2 10.42 means by them, with Unicode properties (the
/// default) or without (AsciiClasses); with Unicode properties \b must stand next to a word character of the
/// expression, as in a word list. No look-around or back-reference. Matches as QRegularExpression would, except on
/// text with a lone surrogate, which RE2 reads as '?' where PCRE2 refuses the whole text.
/// Immutable after construction: safe to use from several threads at once.
class Re2Pattern
{
public:
    enum Option {
        NoOption = 0,
        CaseSensitive = 0x1, ///< not QRegularExpression::CaseInsensitiveOption
        Multiline = 0x2, ///< QRegularExpression::MultilineOption: ^ and $ at line ends
        AsciiClasses = 0x4, ///< not QRegularExpression::UseUnicodePropertiesOption
    };

    /// One match: where it is (UTF-16 positions) and the text of its capturing groups 1 to n (empty for a group that
    /// took no part).
    struct Match
    {
        qsizetype start = -1;
        qsizetype end = -1;
        QStringList groups;
    };

    /// A text converted once to UTF-8, for several expressions or several matches in it.
    class Text
    {
    public:
        explicit Text(QStringView text);
        QStringView text() const { return m_text; }
        QByteArrayView utf8() const { return m_utf8; }
        /// The byte offset of UTF-16 position @p pos.
        qsizetype byteOffset(qsizetype pos) const;
        /// The UTF-16 position of byte offset @p offset (at a character boundary).
        qsizetype position(qsizetype offset) const;

    private:
        QStringView m_text;
        QByteArray m_utf8;
        bool m_ascii; ///< positions and offsets are the same
    };

    explicit Re2Pattern(const char *pcrePattern, int options = NoOption);
    ~Re2Pattern();
    Re2Pattern(Re2Pattern &&) noexcept;
    Re2Pattern &operator=(Re2Pattern &&) noexcept;

    bool isValid() const;
    /// Whether the expression matches somewhere in @p text.
    bool matches(QStringView text) const;
    /// The same for text already in UTF-8 (to convert once for several expressions).
    bool matchesUtf8(QByteArrayView utf8) const;
    /// The first match that starts at @p from or later (what lies before @p from counts for ^ and \b), with
    /// @p groups capturing groups (at most 7). False when there is none.
    bool match(QStringView text, qsizetype from, Match *match, int groups = 0) const;
    /// The same in a text already converted.
    bool match(const Text &text, qsizetype from, Match *match, int groups = 0) const;

    /// The expression as QRegularExpression reads it: the reference the translation is tested against.
    QRegularExpression reference() const;
    /// The RE2 syntax @p pcrePattern becomes (exposed for tests).
    static QByteArray translate(const char *pcrePattern, int options);
    /// The RE2 syntax of this expression.
    QByteArray syntax() const { return translate(m_pcre, m_options); }

private:
    const char *m_pcre;
    int m_options;
    std::unique_ptr<re2::RE2> m_re;
};

/// Several Re2Patterns, to learn in one pass over a text which of them match somewhere in it (an RE2::Set): where
/// they are tried in turn and most texts match none, that spares a pass per expression. Immutable after
/// construction: safe to use from several threads at once.
class Re2PatternSet
{
public:
    explicit Re2PatternSet(const QList<const Re2Pattern *> &patterns);
    ~Re2PatternSet();

    /// Whether pattern @p i matches somewhere in @p text, for every i: bit i of the result (at most 64 patterns).
    quint64 matching(const Re2Pattern::Text &text) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace smtpscope::core::bounce
