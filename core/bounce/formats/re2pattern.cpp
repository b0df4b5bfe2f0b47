#include "bounce/formats/re2pattern.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <array>
#include <vector>

namespace smtpscope::core::bounce {

namespace {

// The members of PCRE2's classes (10.42). With Unicode properties: \s is property Z, the five ASCII controls, NEL
// and the Mongolian vowel separator (PCRE2's lists of horizontal and vertical space); \w letters, numbers and the
// underscore; \d decimal digits. Without: their ASCII meaning (the default character tables, "C" locale).
struct Classes
{
    const char *space;
    const char *word;
    const char *digit;
};
constexpr Classes kUnicode { "\\t\\n\\v\\f\\r\\x{85}\\x{180e}\\p{Z}", "\\p{L}\\p{N}_", "\\p{Nd}" };
constexpr Classes kAscii { "\\t\\n\\v\\f\\r ", "A-Za-z0-9_", "0-9" };

bool isWordChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

RE2::Options re2Options()
{
    RE2::Options o;
    o.set_encoding(RE2::Options::EncodingUTF8);
    o.set_log_errors(false);
    // A ceiling, not an allocation: the Unicode classes make large automata, and a DFA out of memory falls back
    // to a much slower matcher.
    o.set_max_mem(int64_t(64) << 20);
    return o;
}

} // namespace

qsizetype utf16Units(const char *begin, const char *end)
{
    qsizetype units = 0;
    for (const char *p = begin; p < end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if ((c & 0xc0) != 0x80)
            units += c >= 0xf0 ? 2 : 1;
    }
    return units;
}

QByteArray Re2Pattern::translate(const char *pcre, int options)
{
    const Classes &classes = options & AsciiClasses ? kAscii : kUnicode;
    // A class outside a bracket expression, or its members inside one.
    auto cls = [](const char *members, bool inClass, bool negated = false) {
        return inClass ? QByteArray(members) : (negated ? "[^" : "[") + QByteArray(members) + ']';
    };
    QByteArray out;
    if (!(options & CaseSensitive) || (options & Multiline))
        out = QByteArray("(?") + (options & CaseSensitive ? "" : "i") + (options & Multiline ? "m" : "") + ')';
    bool inClass = false;
    for (const char *p = pcre; *p; ++p) {
        if (*p == '\\' && p[1]) {
            const char e = *++p;
            switch (e) {
            case 's':
            case 'S':
                Q_ASSERT(e == 's' || !inClass);
                out += cls(classes.space, inClass, e == 'S');
                break;
            case 'w':
                out += cls(classes.word, inClass);
                break;
            case 'd':
                out += cls(classes.digit, inClass);
                break;
            case 'b':
                Q_ASSERT(!inClass);
                if (options & AsciiClasses) {
                    out += "\\b"; // RE2's \b is PCRE2's without Unicode properties
                    break;
                }
                // With Unicode properties: next to a word character of the expression, a boundary is the start or
                // end of the text or a character that is no word character, consumed. That changes neither whether
                // the expression matches nor, for a boundary after the word, where the match starts.
                out += isWordChar(p[1]) ? "(?:^|" + cls(classes.word, false, true) + ')'
                                        : "(?:$|" + cls(classes.word, false, true) + ')';
                break;
            default:
                out += '\\';
                out += e;
            }
            continue;
        }
        if (*p == '[' && !inClass) {
            inClass = true;
            out += *p;
            if (p[1] == '^')
                out += *++p;
            if (p[1] == ']')
                out += *++p; // a ']' first in a class is a member
            continue;
        }
        if (*p == ']' && inClass)
            inClass = false;
        out += *p;
    }
    return out;
}

Re2Pattern::Re2Pattern(const char *pcrePattern, int options)
    : m_pcre(pcrePattern)
    , m_options(options)
{
    const QByteArray syntax = translate(pcrePattern, options);
    m_re = std::make_unique<RE2>(re2::StringPiece(syntax.constData(), size_t(syntax.size())), re2Options());
    Q_ASSERT_X(m_re->ok(), "Re2Pattern", m_re->error().c_str());
}

Re2Pattern::~Re2Pattern() = default;
Re2Pattern::Re2Pattern(Re2Pattern &&) noexcept = default;
Re2Pattern &Re2Pattern::operator=(Re2Pattern &&) noexcept = default;

bool Re2Pattern::isValid() const
{
    return m_re && m_re->ok();
}

bool Re2Pattern::matchesUtf8(QByteArrayView utf8) const
{
    return isValid() && RE2::PartialMatch(re2::StringPiece(utf8.data(), size_t(utf8.size())), *m_re);
}

bool Re2Pattern::matches(QStringView text) const
{
    return matchesUtf8(text.toUtf8());
}

Re2Pattern::Text::Text(QStringView text)
    : m_text(text)
    , m_utf8(text.toUtf8())
    , m_ascii(m_utf8.size() == text.size())
{ }

qsizetype Re2Pattern::Text::byteOffset(qsizetype pos) const
{
    return m_ascii || pos == 0 ? pos : m_text.first(pos).toUtf8().size();
}

qsizetype Re2Pattern::Text::position(qsizetype offset) const
{
    return m_ascii ? offset : utf16Units(m_utf8.constData(), m_utf8.constData() + offset);
}

bool Re2Pattern::match(QStringView text, qsizetype from, Match *match, int groups) const
{
    return this->match(Text(text), from, match, groups);
}

bool Re2Pattern::match(const Text &text, qsizetype from, Match *match, int groups) const
{
    if (!isValid() || from < 0 || from > text.text().size())
        return false;
    const re2::StringPiece input(text.utf8().data(), size_t(text.utf8().size()));
    std::array<re2::StringPiece, 8> pieces;
    if (groups < 0 || size_t(groups) >= pieces.size())
        return false; // (the program asks for at most five)
    if (!m_re->Match(input, size_t(text.byteOffset(from)), input.size(), RE2::UNANCHORED, pieces.data(), groups + 1))
        return false;
    const qsizetype startByte = pieces[0].data() - input.data();
    match->start = text.position(startByte);
    match->end = text.position(startByte + qsizetype(pieces[0].size()));
    match->groups.clear();
    for (int i = 1; i <= groups; ++i)
        match->groups.append(QString::fromUtf8(pieces[size_t(i)].data(), qsizetype(pieces[size_t(i)].size())));
    return true;
}

QRegularExpression Re2Pattern::reference() const
{
    QRegularExpression::PatternOptions options;
    if (!(m_options & CaseSensitive))
        options |= QRegularExpression::CaseInsensitiveOption;
    if (m_options & Multiline)
        options |= QRegularExpression::MultilineOption;
    if (!(m_options & AsciiClasses))
        options |= QRegularExpression::UseUnicodePropertiesOption;
    return QRegularExpression(QString::fromUtf8(m_pcre), options);
}

struct Re2PatternSet::Impl
{
    RE2::Set set { re2Options(), RE2::UNANCHORED };
    bool ok = false;
};

Re2PatternSet::Re2PatternSet(const QList<const Re2Pattern *> &patterns)
    : m_impl(std::make_unique<Impl>())
{
    Q_ASSERT(patterns.size() <= 64);
    bool added = true;
    for (const Re2Pattern *p : patterns) {
        const QByteArray syntax = p->syntax();
        added = added && m_impl->set.Add(re2::StringPiece(syntax.constData(), size_t(syntax.size())), nullptr) >= 0;
    }
    m_impl->ok = added && m_impl->set.Compile();
    Q_ASSERT(m_impl->ok);
}

Re2PatternSet::~Re2PatternSet() = default;

quint64 Re2PatternSet::matching(const Re2Pattern::Text &text) const
{
    if (!m_impl->ok)
        return ~quint64(0); // (never: the expressions are the program's own) every pattern may match
    std::vector<int> hits;
    m_impl->set.Match(re2::StringPiece(text.utf8().data(), size_t(text.utf8().size())), &hits);
    quint64 bits = 0;
    for (int i : hits)
        bits |= quint64(1) << i;
    return bits;
}

} // namespace smtpscope::core::bounce
