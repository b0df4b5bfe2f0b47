#include "bounce/formats/unicodepattern.h"

#include <re2/re2.h>

#include <QStringList>

#include <vector>

namespace smtpscope::core::bounce {

namespace {

// PCRE2's classes with Unicode properties (10.42): \s is property Z, the five ASCII controls, NEL and the
// Mongolian vowel separator (PCRE2's lists of horizontal and vertical space); \w letters, numbers and the
// underscore; \d decimal digits.
constexpr char kSpace[] = "\\t\\n\\v\\f\\r\\x{85}\\x{180e}\\p{Z}";
constexpr char kWord[] = "\\p{L}\\p{N}_";

bool isWordChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

RE2::Options options()
{
    RE2::Options o;
    o.set_encoding(RE2::Options::EncodingUTF8);
    o.set_log_errors(false);
    // A ceiling, not an allocation: the Unicode classes make large automata, and a DFA out of memory falls back
    // to a much slower matcher.
    o.set_max_mem(int64_t(64) << 20);
    return o;
}

// UTF-8 bytes of the first @p units UTF-16 code units of @p text.
qsizetype utf8Length(QStringView text, qsizetype units)
{
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < units; ++i) {
        const char16_t c = text[i].unicode();
        if (c < 0x80)
            bytes += 1;
        else if (c < 0x800)
            bytes += 2;
        else if (QChar::isHighSurrogate(c) && i + 1 < text.size() && QChar::isLowSurrogate(text[i + 1].unicode())) {
            bytes += 4;
            ++i;
        } else if (QChar::isSurrogate(c))
            bytes += 1; // '?'
        else
            bytes += 3;
    }
    return bytes;
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

QByteArray UnicodePattern::translate(const char *pcre, bool multiline)
{
    QByteArray out = multiline ? "(?im)" : "(?i)";
    bool inClass = false;
    for (const char *p = pcre; *p; ++p) {
        if (*p == '\\' && p[1]) {
            const char e = *++p;
            switch (e) {
            case 's':
                out += inClass ? QByteArray(kSpace) : '[' + QByteArray(kSpace) + ']';
                break;
            case 'S':
                Q_ASSERT(!inClass);
                out += "[^" + QByteArray(kSpace) + ']';
                break;
            case 'w':
                out += inClass ? QByteArray(kWord) : '[' + QByteArray(kWord) + ']';
                break;
            case 'd':
                out += "\\p{Nd}";
                break;
            case 'b':
                // RE2's \b knows ASCII words only. Next to a word character of the expression, a boundary is the
                // start or end of the text or a character that is no word character: consumed, which changes
                // neither whether the expression matches nor, for a boundary after the word, where it starts.
                Q_ASSERT(!inClass);
                out += isWordChar(p[1]) ? "(?:^|[^" + QByteArray(kWord) + "])" : "(?:$|[^" + QByteArray(kWord) + "])";
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

UnicodePattern::UnicodePattern(const char *pcrePattern, bool multiline)
    : m_pcre(pcrePattern)
{
    const QByteArray syntax = translate(pcrePattern, multiline);
    m_re = std::make_unique<RE2>(re2::StringPiece(syntax.constData(), size_t(syntax.size())), options());
    Q_ASSERT_X(m_re->ok(), "UnicodePattern", m_re->error().c_str());
}

UnicodePattern::~UnicodePattern() = default;
UnicodePattern::UnicodePattern(UnicodePattern &&) noexcept = default;
UnicodePattern &UnicodePattern::operator=(UnicodePattern &&) noexcept = default;

bool UnicodePattern::isValid() const
{
    return m_re && m_re->ok();
}

bool UnicodePattern::matchesUtf8(QByteArrayView utf8) const
{
    return isValid() && RE2::PartialMatch(re2::StringPiece(utf8.data(), size_t(utf8.size())), *m_re);
}

bool UnicodePattern::matches(QStringView text) const
{
    return matchesUtf8(text.toUtf8());
}

bool UnicodePattern::find(QStringView text, qsizetype from, qsizetype *start, qsizetype *end) const
{
    if (!isValid() || from < 0 || from > text.size())
        return false;
    const QByteArray utf8 = text.toUtf8();
    const re2::StringPiece input(utf8.constData(), size_t(utf8.size()));
    re2::StringPiece match;
    if (!m_re->Match(input, size_t(utf8Length(text, from)), input.size(), RE2::UNANCHORED, &match, 1))
        return false;
    *start = utf16Units(input.data(), match.data());
    *end = *start + utf16Units(match.data(), match.data() + match.size());
    return true;
}

bool UnicodePattern::capture(QStringView text, int count, QStringList *groups) const
{
    if (!isValid())
        return false;
    const QByteArray utf8 = text.toUtf8();
    const re2::StringPiece input(utf8.constData(), size_t(utf8.size()));
    std::vector<re2::StringPiece> pieces(size_t(count) + 1);
    if (!m_re->Match(input, 0, input.size(), RE2::UNANCHORED, pieces.data(), count + 1))
        return false;
    groups->clear();
    for (int i = 1; i <= count; ++i)
        groups->append(QString::fromUtf8(pieces[size_t(i)].data(), qsizetype(pieces[size_t(i)].size())));
    return true;
}

} // namespace smtpscope::core::bounce
