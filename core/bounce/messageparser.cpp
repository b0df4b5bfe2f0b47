#include "bounce/messageparser.h"

#include "bounce/fastmimeparser.h"
#include "bounce/mboxreader.h"
#include "bounce/messageparser_p.h"
#include "util/asciicase.h"

#include <QStringDecoder>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace smtpscope::core {

// (Not an anonymous namespace: Walker and a few helpers are shared with fastmimeparser.cpp, see messageparser_p.h.)
namespace mime {

// GMime is initialised once (g_mime_init() is not thread-safe; a function-local static is), with options that
// are never changed afterwards and so can be shared by every thread. No warning callback: GMime parses a
// quarter slower with one, and what matters here (truncation, nesting) shows in the parsed tree.
GMimeParserOptions *parserOptions()
{
    static GMimeParserOptions *const options = [] {
        g_mime_init();
        GMimeParserOptions *o = g_mime_parser_options_new();
        // Raw 8-bit header text: UTF-8 when valid, else Latin-1, which accepts every byte.
        const char *fallback[] = { "utf-8", "iso-8859-1", nullptr };
        g_mime_parser_options_set_fallback_charsets(o, fallback);
        return o;
    }();
    return options;
}

// SMTPSCOPE_GMIME_ONLY=1 turns the fast path off (to compare both paths).
bool useGMimeOnly()
{
    static const bool only = qEnvironmentVariableIntValue("SMTPSCOPE_GMIME_ONLY") != 0;
    return only;
}

bool startsWithNoCase(const char *p, qsizetype n, const char *prefix)
{
    const qsizetype len = qsizetype(std::strlen(prefix));
    return n >= len && g_ascii_strncasecmp(p, prefix, len) == 0;
}

// "Name:" at the start of a line, as RFC 5322 defines field names (printable ASCII but ':').
bool isFieldStart(const char *p, qsizetype n)
{
    qsizetype i = 0;
    while (i < n && i < 1000 && p[i] > 32 && p[i] < 127 && p[i] != ':')
        ++i;
    while (i < n && i < 1000 && (p[i] == ' ' || p[i] == '\t'))
        ++i;
    return i > 0 && i < n && p[i] == ':';
}

// Cuts header fields longer than MessageParser::maxHeaderLength, which GMime would otherwise copy several
// times over (a 100 MB field costs it 3 s and 700 MB). Header blocks are found the way a MIME parser
// finds them: at the top, after a boundary-like "--" line, and after the header of a message/* part.
// Returns the input unchanged (shared, not copied) when nothing is cut.
QByteArray cutLongHeaderFields(const QByteArray &in, bool &cut)
{
    constexpr qsizetype limit = MessageParser::maxHeaderLength;
    const char *b = in.constData();
    const qsizetype n = in.size();
    QByteArray out;
    qsizetype copied = 0;
    bool inHeader = true;
    bool messageFollows = false;
    qsizetype fieldStart = -1;
    qsizetype pos = 0;
    while (pos < n) {
        const char *nl = static_cast<const char *>(std::memchr(b + pos, '\n', n - pos));
        const qsizetype lineEnd = nl ? nl - b + 1 : n;
        if (!inHeader) {
            if (lineEnd - pos >= 2 && b[pos] == '-' && b[pos + 1] == '-') {
                inHeader = true;
                fieldStart = -1;
            }
            pos = lineEnd;
            continue;
        }
        const char c = b[pos];
        if (c == '\n') {
            inHeader = messageFollows;
            messageFollows = false;
            fieldStart = -1;
            pos = lineEnd;
            continue;
        }
        if (c == ' ' || c == '\t') {
            if (fieldStart < 0)
                fieldStart = pos;
        } else if (isFieldStart(b + pos, lineEnd - pos)) {
            fieldStart = pos;
            if (startsWithNoCase(b + pos, lineEnd - pos, "content-type:")) {
                const qsizetype valueStart = pos + 13;
                const QByteArray value
                    = QByteArray(b + valueStart, qMin<qsizetype>(lineEnd - valueStart, 200)).toLower();
                messageFollows = value.contains("message/");
            }
        } else {
            inHeader = false; // not a header line: the body starts here
            continue;
        }
        if (lineEnd - fieldStart > limit) {
            const qsizetype keepEnd = fieldStart + limit;
            out.append(b + copied, keepEnd - copied);
            out.append('\n');
            qsizetype skip = lineEnd;
            while (skip < n && (b[skip] == ' ' || b[skip] == '\t')) {
                const char *next = static_cast<const char *>(std::memchr(b + skip, '\n', n - skip));
                skip = next ? next - b + 1 : n;
            }
            copied = skip;
            pos = skip;
            fieldStart = -1;
            cut = true;
            continue;
        }
        pos = lineEnd;
    }
    if (!cut)
        return in;
    out.append(b + copied, n - copied);
    return out;
}

QString utf8OrLatin1(QByteArrayView bytes, bool declaredUtf8)
{
    if (isAscii(bytes))
        return QString::fromLatin1(bytes); // what the UTF-8 decoder gives for these, at a fraction of its cost
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (!decoder.hasError() || declaredUtf8)
        return text;
    return QString::fromLatin1(bytes);
}

// Converts with iconv; bytes that are invalid in the charset become U+FFFD (counted in @p invalid when given).
// Returns false when the charset is unknown.
// Opening a converter loads its gconv module each time (GMime 3 keeps no cache): each thread keeps the
// converters it opened, by charset name. Unknown names are remembered too, as failures.
class IconvCache
{
public:
    struct Converter
    {
        std::string name;
        iconv_t cd;
        /// The ASCII bytes that the charset reads as themselves, alone and from its initial state (bit b of
        /// word b / 64). Text made of these only needs no conversion.
        quint64 asIs[2] = { 0, 0 };
    };
    ~IconvCache()
    {
        for (const Converter &entry : m_converters) {
            if (entry.cd != invalid())
                g_mime_iconv_close(entry.cd);
        }
    }
    const Converter &get(const char *charset)
    {
        const std::string name(charset);
        for (const Converter &entry : m_converters) {
            if (entry.name == name)
                return entry;
        }
        if (m_converters.size() >= 32) { // a bound, whatever the input names
            if (m_converters.front().cd != invalid())
                g_mime_iconv_close(m_converters.front().cd);
            m_converters.erase(m_converters.begin());
        }
        Converter converter { name, g_mime_iconv_open("UTF-8", charset) };
        if (converter.cd != invalid())
            probeAsIs(converter);
        m_converters.push_back(std::move(converter));
        return m_converters.back();
    }
    static iconv_t invalid() { return reinterpret_cast<iconv_t>(-1); }

private:
    // Which ASCII bytes the charset reads as themselves: all of them in most charsets, but not in UTF-16 and
    // the like, not 0x5C and 0x7E in Shift_JIS, nor the bytes that change a stateful charset's state (ESC, SO
    // and SI in ISO-2022, '+' in UTF-7, '~' in HZ), which read alone are incomplete or make no character. So a
    // text of these bytes only never leaves the initial state, and each byte reads as itself.
    static void probeAsIs(Converter &converter)
    {
        for (int b = 0; b < 128; ++b) {
            iconv(converter.cd, nullptr, nullptr, nullptr, nullptr);
            char in = char(b);
            char out[16];
            char *inPtr = &in;
            char *outPtr = out;
            size_t inLeft = 1;
            size_t outLeft = sizeof out;
            if (iconv(converter.cd, &inPtr, &inLeft, &outPtr, &outLeft) == size_t(-1) || inLeft != 0)
                continue;
            if (iconv(converter.cd, nullptr, nullptr, &outPtr, &outLeft) == size_t(-1))
                continue;
            if (outPtr - out == 1 && out[0] == in)
                converter.asIs[b / 64] |= quint64(1) << (b % 64);
        }
    }

    std::vector<Converter> m_converters;
};

// Whether every byte is ASCII and in asIs (see IconvCache::Converter).
bool readsAsIs(const QByteArray &bytes, const quint64 asIs[2])
{
    const char *p = bytes.constData();
    const qsizetype n = bytes.size();
    if (asIs[0] == ~quint64(0) && asIs[1] == ~quint64(0))
        return isAscii(bytes);
    for (qsizetype i = 0; i < n; ++i) {
        const unsigned char c = static_cast<unsigned char>(p[i]);
        if (c >= 0x80 || !(asIs[c / 64] & (quint64(1) << (c % 64))))
            return false;
    }
    return true;
}

bool convertWithIconv(const QByteArray &bytes, const char *charset, QString &text, qsizetype *invalid = nullptr)
{
    thread_local IconvCache cache;
    const IconvCache::Converter &converter = cache.get(charset);
    iconv_t cd = converter.cd;
    if (cd == IconvCache::invalid())
        return false;
    if (readsAsIs(bytes, converter.asIs)) {
        // what iconv would give, without it (the common case: an ASCII text in an ASCII-compatible charset)
        text = QString::fromLatin1(bytes);
        return true;
    }
    iconv(cd, nullptr, nullptr, nullptr, nullptr); // a kept converter: start from the initial state
    QByteArray out(bytes.size() * 2 + 16, Qt::Uninitialized);
    char *in = const_cast<char *>(bytes.constData());
    size_t inLeft = size_t(bytes.size());
    char *outPtr = out.data();
    size_t outLeft = size_t(out.size());
    auto grow = [&](qsizetype needed) {
        const qsizetype used = outPtr - out.data();
        if (qsizetype(outLeft) >= needed)
            return;
        out.resize(out.size() * 2 + needed);
        outPtr = out.data() + used;
        outLeft = size_t(out.size() - used);
    };
    while (inLeft > 0) {
        if (iconv(cd, &in, &inLeft, &outPtr, &outLeft) != size_t(-1))
            break;
        if (errno == E2BIG) {
            grow(qsizetype(inLeft) * 2 + 16);
        } else if (errno == EILSEQ || errno == EINVAL) {
            if (invalid)
                ++*invalid;
            grow(3);
            std::memcpy(outPtr, "\xEF\xBF\xBD", 3);
            outPtr += 3;
            outLeft -= 3;
            if (errno == EINVAL)
                break; // an incomplete sequence at the end
            ++in;
            --inLeft;
        } else {
            break;
        }
    }
    grow(16);
    iconv(cd, nullptr, nullptr, &outPtr, &outLeft);
    text = QString::fromUtf8(out.constData(), outPtr - out.constData());
    return true;
}

QString entity(QStringView name)
{
    static const struct
    {
        const char16_t *name;
        char16_t character;
    } named[] = { { u"amp", u'&' }, { u"lt", u'<' }, { u"gt", u'>' }, { u"quot", u'"' }, { u"apos", u'\'' },
        { u"nbsp", u' ' } };
    if (name.startsWith(u'#')) {
        bool ok = false;
        const uint code = name.size() > 1 && (name.at(1) == u'x' || name.at(1) == u'X') ? name.mid(2).toUInt(&ok, 16)
                                                                                        : name.mid(1).toUInt(&ok, 10);
        if (ok && code > 0 && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF)) {
            const char32_t c = code;
            return QString::fromUcs4(&c, 1);
        }
        return {};
    }
    for (const auto &e : named) {
        if (name == QStringView(e.name))
            return QString(QChar(e.character));
    }
    return {};
}

bool isBlockTag(QStringView tag)
{
    // Tag names are almost always ASCII: lower-cased into a small buffer and compared there. Anything else
    // (Unicode case folding maps a few non-ASCII letters to ASCII ones) takes the general comparison below.
    if (tag.size() > 10)
        return false; // longer than any block tag, and case folding keeps the length of these names
    char lower[11];
    bool ascii = true;
    for (qsizetype i = 0; i < tag.size(); ++i) {
        const char16_t c = tag.at(i).unicode();
        if (c >= 0x80) {
            ascii = false;
            break;
        }
        lower[i] = char(c >= u'A' && c <= u'Z' ? c + (u'a' - u'A') : c);
    }
    if (ascii) {
        static const char *const asciiBlocks[] = { "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
            "table", "blockquote", "pre", "hr", "title", "ul", "ol", "dd", "dt" };
        const size_t n = size_t(tag.size());
        for (const char *block : asciiBlocks) {
            if (std::strlen(block) == n && std::memcmp(block, lower, n) == 0)
                return true;
        }
        return false;
    }
    static const char16_t *const blocks[] = { u"br", u"p", u"div", u"tr", u"li", u"h1", u"h2", u"h3", u"h4", u"h5",
        u"h6", u"table", u"blockquote", u"pre", u"hr", u"title", u"ul", u"ol", u"dd", u"dt" };
    for (const char16_t *block : blocks) {
        if (tag.compare(QStringView(block), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Report parts are what bounce and complaint parsing read, so they are decoded wherever they appear.
bool isReportType(const QString &type)
{
    return type == QLatin1String("message/delivery-status") || type == QLatin1String("message/global-delivery-status")
        || type == QLatin1String("message/feedback-report") || type == QLatin1String("text/rfc822-headers")
        || type == QLatin1String("message/global-headers") || type == QLatin1String("message/disposition-notification")
        || type == QLatin1String("message/global-disposition-notification");
}

bool isHeaderBlockType(const QString &type)
{
    return type == QLatin1String("text/rfc822-headers") || type == QLatin1String("message/global-headers");
}

bool isLinearSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Plain ASCII with no encoded word: nothing to decode.
bool isPlainAscii(const char *p, size_t n)
{
    if (!isAscii(QByteArrayView(p, qsizetype(n))))
        return false;
    for (const char *eq = static_cast<const char *>(std::memchr(p, '=', n)); eq;
         eq = static_cast<const char *>(std::memchr(eq + 1, '=', n - (eq + 1 - p)))) {
        if (eq + 1 < p + n && eq[1] == '?')
            return false;
    }
    return true;
}

// Unfolds a plain value the way GMime does: line breaks dropped, linear white space trimmed at both ends.
QString unfoldPlain(const char *start, const char *end)
{
    while (start < end && isLinearSpace(*start))
        ++start;
    while (end > start && isLinearSpace(end[-1]))
        --end;
    QString value(end - start, Qt::Uninitialized);
    char16_t *out = reinterpret_cast<char16_t *>(value.data());
    const char *p = start;
#if defined(__SSE2__)
    // 16 bytes at a time: each block is widened and stored whole, but the output only moves on by the characters
    // before the block's first line break, which is then skipped (what follows it is stored again from there).
    // The output never runs ahead of the input, so a store of 16 characters stays inside the string.
    const __m128i zero = _mm_setzero_si128();
    const __m128i lineFeeds = _mm_set1_epi8('\n');
    const __m128i returns = _mm_set1_epi8('\r');
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out), _mm_unpacklo_epi8(v, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(out + 8), _mm_unpackhi_epi8(v, zero));
        const unsigned breaks
            = unsigned(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, lineFeeds), _mm_cmpeq_epi8(v, returns))));
        if (!breaks) {
            p += 16;
            out += 16;
        } else {
            const int kept = std::countr_zero(breaks);
            p += kept + 1;
            out += kept;
        }
    }
#endif
    for (; p < end; ++p) {
        if (*p != '\r' && *p != '\n')
            *out++ = static_cast<unsigned char>(*p);
    }
    value.truncate(out - reinterpret_cast<const char16_t *>(value.constData()));
    return value;
}

// The value of a header field, unfolded and decoded. GMime decodes every value it is asked for, which costs
// more than the rest of reading a message; most values are plain ASCII without encoded words, and for those
// unfolding gives the same text.
QString headerValue(GMimeHeader *header)
{
    if (const char *raw = g_mime_header_get_raw_value(header)) {
        const size_t length = std::strlen(raw);
        if (isPlainAscii(raw, length))
            return unfoldPlain(raw, raw + length);
    }
    const char *value = g_mime_header_get_value(header);
    return QString::fromUtf8(value ? value : "").trimmed();
}

QList<QPair<QString, QString>> Walker::headersOf(GMimeObject *object)
{
    QList<QPair<QString, QString>> headers;
    GMimeHeaderList *list = g_mime_object_get_header_list(object);
    if (!list)
        return headers;
    const int count = g_mime_header_list_get_count(list);
    headers.reserve(count);
    for (int i = 0; i < count; ++i) {
        GMimeHeader *header = g_mime_header_list_get_header_at(list, i);
        const char *name = g_mime_header_get_name(header);
        headers.append({ QString::fromUtf8(name ? name : ""), headerValue(header) });
    }
    return headers;
}

// GMime files a message's Content-* fields under its top MIME part; put them back in their place by offset,
// so that a message's header reads as it was written.
QList<QPair<QString, QString>> messageHeadersOf(GMimeMessage *message)
{
    struct Field
    {
        gint64 offset;
        GMimeHeader *header;
    };
    QList<Field> fields;
    auto add = [&fields](GMimeObject *object) {
        GMimeHeaderList *list = object ? g_mime_object_get_header_list(object) : nullptr;
        const int count = list ? g_mime_header_list_get_count(list) : 0;
        for (int i = 0; i < count; ++i) {
            GMimeHeader *header = g_mime_header_list_get_header_at(list, i);
            fields.append({ g_mime_header_get_offset(header), header });
        }
    };
    add(GMIME_OBJECT(message));
    add(g_mime_message_get_mime_part(message));
    std::stable_sort(fields.begin(), fields.end(), [](const Field &a, const Field &b) {
        return (a.offset < 0 ? std::numeric_limits<gint64>::max() : a.offset)
            < (b.offset < 0 ? std::numeric_limits<gint64>::max() : b.offset);
    });
    QList<QPair<QString, QString>> headers;
    headers.reserve(fields.size());
    for (const Field &field : std::as_const(fields)) {
        const char *name = g_mime_header_get_name(field.header);
        headers.append({ QString::fromUtf8(name ? name : ""), headerValue(field.header) });
    }
    return headers;
}

QString renderHeaders(const QList<QPair<QString, QString>> &headers)
{
    qsizetype size = 0;
    for (const auto &field : headers)
        size += field.first.size() + field.second.size() + 3;
    QString text;
    text.reserve(size); // one allocation, not one regrowth after another
    for (const auto &field : headers)
        text += field.first + QLatin1String(": ") + field.second + QLatin1Char('\n');
    return text;
}

// A header block that arrives as text (text/rfc822-headers): unfolded, encoded words decoded, up to the
// first empty line.
QList<QPair<QString, QString>> Walker::parseHeaderBlock(const QByteArray &block)
{
    QList<QPair<QString, QString>> headers;
    QByteArray name;
    QByteArray value;
    auto flush = [&] {
        if (name.isEmpty())
            return;
        if (isPlainAscii(value.constData(), size_t(value.size()))) {
            headers.append({ QString::fromLatin1(name).trimmed(), unfoldPlain(value.cbegin(), value.cend()) });
        } else {
            GCharPtr unfolded(g_mime_utils_header_unfold(value.constData()));
            GCharPtr decoded(g_mime_utils_header_decode_text(m_options, unfolded.get()));
            headers.append({ QString::fromUtf8(name).trimmed(), QString::fromUtf8(decoded.get()).trimmed() });
        }
        name.clear();
        value.clear();
    };
    qsizetype pos = 0;
    while (pos < block.size()) {
        qsizetype end = block.indexOf('\n', pos);
        if (end < 0)
            end = block.size();
        const QByteArrayView line(block.constData() + pos, end - pos);
        pos = end + 1;
        if (line.trimmed().isEmpty()) {
            if (!headers.isEmpty() || !name.isEmpty())
                break;
            continue;
        }
        if (line.front() == ' ' || line.front() == '\t') {
            if (!name.isEmpty() && value.size() < MessageParser::maxHeaderLength)
                value.append('\n').append(line);
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        flush();
        name = line.first(colon).toByteArray();
        value = line.sliced(colon + 1).toByteArray();
    }
    flush();
    return headers;
}

// Undoes the transfer encoding, reading at most maxTextLength decoded bytes.
QByteArray Walker::decodeContent(GMimePart *part, bool &cut)
{
    QByteArray out;
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    GMimeStream *stream = content ? g_mime_data_wrapper_get_stream(content) : nullptr;
    if (!stream)
        return out;
    GObjectPtr<GMimeFilter> filter;
    const GMimeContentEncoding encoding = g_mime_data_wrapper_get_encoding(content);
    if (encoding == GMIME_CONTENT_ENCODING_BASE64 || encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
        || encoding == GMIME_CONTENT_ENCODING_UUENCODE)
        filter.reset(g_mime_filter_basic_new(encoding, FALSE));
    if (g_mime_stream_reset(stream) == -1)
        return out;
    char buffer[16384];
    while (true) {
        const gssize n = g_mime_stream_read(stream, buffer, sizeof buffer);
        if (n <= 0)
            break;
        if (filter) {
            char *filtered = nullptr;
            size_t length = 0;
            size_t prespace = 0;
            g_mime_filter_filter(filter.get(), buffer, size_t(n), 0, &filtered, &length, &prespace);
            out.append(filtered, qsizetype(length));
        } else {
            out.append(buffer, n);
        }
        if (out.size() >= MessageParser::maxTextLength) {
            out.truncate(MessageParser::maxTextLength);
            cut = true;
            return out;
        }
    }
    if (filter) {
        char *filtered = nullptr;
        size_t length = 0;
        size_t prespace = 0;
        g_mime_filter_complete(filter.get(), buffer, 0, 0, &filtered, &length, &prespace);
        out.append(filtered, qsizetype(length));
    }
    return out;
}

QString Walker::toUnicode(const QByteArray &bytes, const char *charset, const QString &contentType)
{
    if (bytes.isEmpty())
        return {};
    QByteArray name = QByteArray(charset).trimmed().toLower();
    // Names that Microsoft mailers write and neither GMime nor iconv know.
    if (name == "unicode-1-1-utf-7")
        name = "utf-7";
    else if (name == "unicode-1-1-utf-8")
        name = "utf-8";
    if (name.isEmpty() || name == "us-ascii" || name == "ascii")
        return utf8OrLatin1(bytes, false);
    if (name == "utf-8" || name == "utf8")
        return utf8OrLatin1(bytes, true);
    if (name == "iso-8859-1" || name == "latin1")
        return QString::fromLatin1(bytes);
    QString text;
    if (name.startsWith("iso-2022-") && !isAscii(bytes) && readMislabelled(bytes, name, contentType, text))
        return text;
    if (convertWithIconv(bytes, name.constData(), text))
        return text;
    note(QStringLiteral("unknown charset \"%1\" in %2 part: read as Latin-1")
             .arg(QString::fromLatin1(charset), contentType));
    return QString::fromLatin1(bytes);
}

// ISO-2022 charsets are 7-bit, so 8-bit bytes in a part labelled with one mean a wrong label: Japanese mailers
// label EUC-JP and Shift_JIS text ISO-2022-JP. Such a part is read in the first charset of its family that takes
// every byte and gives no control character (UTF-8 first, as it rarely takes text in another charset), as mail
// readers do; false when none does.
bool Walker::readMislabelled(
    const QByteArray &bytes, const QByteArray &label, const QString &contentType, QString &text)
{
    QList<const char *> candidates { "utf-8" };
    if (label.startsWith("iso-2022-jp"))
        candidates << "euc-jp"
                   << "cp932";
    else if (label.startsWith("iso-2022-kr"))
        candidates << "euc-kr";
    else if (label.startsWith("iso-2022-cn"))
        candidates << "gb18030";
    for (const char *candidate : std::as_const(candidates)) {
        qsizetype invalid = 0;
        if (!convertWithIconv(bytes, candidate, text, &invalid) || invalid > 0)
            continue;
        // (glibc's EUC-JP reads the bytes 0x80 to 0x9F as C1 controls, which no text has: Shift_JIS lead bytes)
        if (std::any_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() >= 0x80 && c.unicode() < 0xA0; }))
            continue;
        note(QStringLiteral("%1 part labelled \"%2\" holds 8-bit bytes, which that charset never has: read as %3")
                 .arg(contentType, QString::fromLatin1(label), QString::fromLatin1(candidate).toUpper()));
        return true;
    }
    return false;
}

// The delimiter a multipart body uses when its Content-Type names none (or one it never uses): the first
// "--X" line that opens a part (a header field or an empty line follows) and comes back later as "--X" or "--X--".
static QByteArray delimiterInBody(const QByteArray &body)
{
    qsizetype pos = 0;
    int candidates = 0;
    while (pos < body.size() && candidates < 10) {
        qsizetype end = body.indexOf('\n', pos);
        if (end < 0)
            end = body.size();
        const qsizetype length = end - pos;
        if (length > 2 && length <= 74 && body.at(pos) == '-' && body.at(pos + 1) == '-') {
            ++candidates;
            QByteArray boundary = body.mid(pos + 2, length - 2);
            while (boundary.endsWith(' ') || boundary.endsWith('\t'))
                boundary.chop(1);
            const qsizetype next = end + 1;
            const qsizetype nextEnd = next < body.size() ? body.indexOf('\n', next) : -1;
            const qsizetype nextLength = (nextEnd < 0 ? body.size() : nextEnd) - next;
            const bool opensPart
                = next < body.size() && (nextLength == 0 || isFieldStart(body.constData() + next, nextLength));
            if (!boundary.isEmpty() && !boundary.endsWith("--") && opensPart
                && body.indexOf(QByteArray("\n--" + boundary), end) >= 0)
                return boundary;
        }
        pos = end + 1;
    }
    return {};
}

QByteArray recoveryInput(const QString &contentType, const QByteArray &boundary, const QByteArray &body)
{
    QByteArray bytes = "Content-Type: " + contentType.toLatin1() + "; boundary=\"";
    for (char c : boundary) {
        if (c == '"' || c == '\\')
            bytes += '\\';
        bytes += c;
    }
    bytes += "\"\n\n" + body;
    return bytes;
}

// A multipart whose parts could not be found: split at the delimiter its body uses, or else read as one text
// part. Returns what was done, to complete the note.
QString Walker::recoverBody(const QString &contentType, const char *charset, const QByteArray &body, int depth,
    int index, const PartSplitter &split)
{
    const QByteArray boundary = delimiterInBody(body);
    if (!boundary.isEmpty()) {
        const QString splitNote
            = QStringLiteral(": parts split at the \"--%1\" lines of the body").arg(QString::fromLatin1(boundary));
        if (split && split(boundary))
            return splitNote;
        const QByteArray bytes = recoveryInput(contentType, boundary, body);
        GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.constData(), size_t(bytes.size())));
        GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
        GObjectPtr<GMimeObject> object(g_mime_parser_construct_part(parser.get(), m_options));
        if (object && GMIME_IS_MULTIPART(object.get())
            && g_mime_multipart_get_count(GMIME_MULTIPART(object.get())) > 0) {
            GMimeMultipart *recovered = GMIME_MULTIPART(object.get());
            for (int i = 0; i < g_mime_multipart_get_count(recovered); ++i)
                walk(g_mime_multipart_get_part(recovered, i), depth + 1, index, false);
            return splitNote;
        }
    }
    MimePart text;
    text.contentType = QStringLiteral("text/plain");
    text.charset = QString::fromUtf8(charset);
    text.depth = depth + 1;
    text.parent = index;
    text.size = body.size();
    text.text = toUnicode(body, charset, text.contentType);
    text.decoded = true;
    m_message.parts.append(std::move(text));
    return QStringLiteral(": its body is read as text");
}

void Walker::partlessMultipart(QString problem, const QString &contentType, const char *charset, const QByteArray &body,
    int depth, int index, bool inEnclosedMessage, const PartSplitter &split)
{
    if (!body.trimmed().isEmpty() && !inEnclosedMessage && depth < MessageParser::maxDepth)
        problem += recoverBody(contentType, charset, body, depth, index, split);
    note(problem);
}

void Walker::walk(GMimeObject *object, int depth, int parent, bool inEnclosedMessage)
{
    if (depth > MessageParser::maxDepth) {
        note(QStringLiteral("MIME nesting deeper than %1 levels: the parts below were skipped")
                 .arg(MessageParser::maxDepth));
        return;
    }
    MimePart part;
    part.depth = depth;
    part.parent = parent;
    GMimeContentType *type = g_mime_object_get_content_type(object);
    const char *mediaType = type ? g_mime_content_type_get_media_type(type) : nullptr;
    const char *subtype = type ? g_mime_content_type_get_media_subtype(type) : nullptr;
    part.contentType = (QString::fromUtf8(mediaType ? mediaType : "text") + QLatin1Char('/')
        + QString::fromUtf8(subtype ? subtype : "plain"))
                           .toLower();
    const char *charset = type ? g_mime_content_type_get_parameter(type, "charset") : nullptr;
    part.charset = QString::fromUtf8(charset);
    GMimeContentDisposition *disposition = g_mime_object_get_content_disposition(object);
    part.attachment = disposition && g_mime_content_disposition_is_attachment(disposition);
    const char *fileName = nullptr;
    if (GMIME_IS_PART(object))
        fileName = g_mime_part_get_filename(GMIME_PART(object));
    else if (disposition)
        fileName = g_mime_content_disposition_get_parameter(disposition, "filename");
    if (!fileName && type && !GMIME_IS_PART(object))
        fileName = g_mime_content_type_get_parameter(type, "name");
    part.fileName = QString::fromUtf8(fileName);
    part.headers = headersOf(object);

    const int index = int(m_message.parts.size());
    if (GMIME_IS_MULTIPART(object)) {
        GMimeMultipart *multipart = GMIME_MULTIPART(object);
        const int count = g_mime_multipart_get_count(multipart);
        // (not g_mime_multipart_get_boundary(), which makes one up when there is none)
        const bool noBoundary = !type || !g_mime_content_type_get_parameter(type, "boundary");
        QString problem;
        if (noBoundary)
            problem = QStringLiteral("%1 without a boundary parameter").arg(part.contentType);
        else if (count == 0)
            problem = QStringLiteral("%1 has no parts").arg(part.contentType);
        else if (!multipart->write_end_boundary)
            note(QStringLiteral("%1 ends without its closing boundary: truncated or malformed").arg(part.contentType));
        const QString contentType = part.contentType;
        m_message.parts.append(std::move(part));
        if (count == 0) {
            const char *prologue = g_mime_multipart_get_prologue(multipart);
            partlessMultipart(problem, contentType, charset, prologue ? QByteArray(prologue) : QByteArray(), depth,
                index, inEnclosedMessage);
            return;
        }
        if (noBoundary)
            note(problem);
        for (int i = 0; i < count; ++i)
            walk(g_mime_multipart_get_part(multipart, i), depth + 1, index, inEnclosedMessage);
        return;
    }
    if (GMIME_IS_MESSAGE_PART(object)) {
        GMimeMessage *enclosed = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
        GMimeObject *body = enclosed ? g_mime_message_get_mime_part(enclosed) : nullptr;
        if (enclosed) {
            part.messageHeaders = messageHeadersOf(enclosed);
            part.text = renderHeaders(part.messageHeaders);
            part.decoded = true;
        }
        m_message.parts.append(std::move(part));
        if (body) {
            // The body of a returned (or attached) message is not read, but a forwarded report is.
            GMimeContentType *bodyType = g_mime_object_get_content_type(body);
            const bool isReport = bodyType && g_mime_content_type_is_type(bodyType, "multipart", "report");
            walk(body, depth + 1, index, inEnclosedMessage || !isReport);
        }
        return;
    }
    if (GMIME_IS_PART(object)) {
        const bool report = isReportType(part.contentType);
        const bool text
            = part.contentType == QLatin1String("text/plain") || part.contentType == QLatin1String("text/html");
        if (report || (text && !part.attachment && !inEnclosedMessage)) {
            bool cut = false;
            const QByteArray bytes = decodeContent(GMIME_PART(object), cut);
            if (cut)
                note(QStringLiteral("text of a %1 part cut at %2 MB")
                         .arg(part.contentType)
                         .arg(MessageParser::maxTextLength >> 20));
            part.size = bytes.size();
            // RFC 6533: the global types are UTF-8 whatever they declare
            const bool global = part.contentType.startsWith(QLatin1String("message/global"));
            part.text = toUnicode(bytes, global ? "utf-8" : charset, part.contentType);
            if (isHeaderBlockType(part.contentType))
                part.messageHeaders = parseHeaderBlock(bytes);
            part.decoded = true;
        }
    }
    m_message.parts.append(std::move(part));
}

} // namespace mime

using namespace mime;

ParsedMessage MessageParser::parse(const RawMessage &raw)
{
    if (raw.unreadable) {
        ParsedMessage message;
        message.source = raw.source;
        message.index = raw.index;
        message.note = raw.note;
        return message;
    }
    ParsedMessage message = parse(raw.bytes, raw.source, raw.index);
    if (raw.note.isEmpty())
        return message;
    // What the source says about an empty or tiny input is the whole story; the parser's notes would repeat it.
    if (raw.bytes.size() < 4 || message.note.isEmpty())
        message.note = raw.note;
    else
        message.note = raw.note + QLatin1String("; ") + message.note;
    return message;
}

ParsedMessage MessageParser::parse(const QByteArray &input, const QString &source, int index)
{
    return parse(input, source, index, !useGMimeOnly());
}

ParsedMessage MessageParser::parseWithGMime(const QByteArray &input, const QString &source, int index)
{
    return parse(input, source, index, false);
}

ParsedMessage MessageParser::parse(const QByteArray &input, const QString &source, int index, bool fastPath)
{
    GMimeParserOptions *options = parserOptions();
    ParsedMessage message;
    message.source = source;
    message.index = index;
    message.byteSize = input.size();
    if (input.isEmpty()) {
        message.note = QStringLiteral("empty message");
        return message;
    }

    QByteArray bytes = input;
    normaliseLineEnds(bytes);
    QStringList notes;
    if (bytes.size() > maxHeaderLength) {
        bool cut = false;
        bytes = cutLongHeaderFields(bytes, cut);
        if (cut)
            notes.append(QStringLiteral("header field longer than %1 MB cut").arg(maxHeaderLength >> 20));
    }

    if (notes.isEmpty() && fastPath) {
        ParsedMessage fast = message;
        Walker walker(fast, options);
        if (parseFast(bytes, fast, walker)) {
            fast.note = walker.notes().join(QLatin1String("; "));
            return fast;
        }
    }

    GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.constData(), size_t(bytes.size())));
    GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    // The top-level entity is read as a MIME part: a GMimeMessage would also parse its address fields and
    // date, which nothing here reads (a fifth of GMime's time). Only when that fails is it read as a message.
    GObjectPtr<GMimeObject> top(g_mime_parser_construct_part(parser.get(), options));
    GObjectPtr<GMimeMessage> gmessage;
    if (!top) {
        g_mime_stream_reset(stream.get());
        g_mime_parser_init_with_stream(parser.get(), stream.get());
        g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
        gmessage.reset(g_mime_parser_construct_message(parser.get(), options));
        if (!gmessage) {
            notes.append(QStringLiteral("not a message: no header found"));
            message.note = notes.join(QLatin1String("; "));
            return message;
        }
    }
    message.headers = top ? Walker::headersOf(top.get()) : messageHeadersOf(gmessage.get());
    Walker walker(message, options);
    for (const QString &note : std::as_const(notes))
        walker.note(note);
    if (GMimeObject *body = top ? top.get() : g_mime_message_get_mime_part(gmessage.get())) {
        walker.walk(body, 0, -1, false);
        if (top && !message.parts.isEmpty()) {
            // As with a GMimeMessage, the top part's own fields are the Content-* ones.
            auto &fields = message.parts.first().headers;
            fields.removeIf([](const QPair<QString, QString> &field) {
                return !field.first.startsWith(QLatin1String("Content-"), Qt::CaseInsensitive);
            });
        }
    }
    message.note = walker.notes().join(QLatin1String("; "));
    return message;
}

QString MessageParser::htmlToText(QStringView html)
{
    // First pass: markup out, entities decoded, block ends as line breaks. Text between markup is copied in runs.
    QString raw;
    raw.reserve(html.size());
    const qsizetype n = html.size();
    qsizetype i = 0;
    while (i < n) {
        qsizetype next = i;
        while (next < n && html.at(next) != u'<' && html.at(next) != u'&')
            ++next;
        raw += html.sliced(i, next - i);
        i = next;
        if (i >= n)
            break;
        if (html.at(i) == u'&') {
            const qsizetype semicolon = html.indexOf(u';', i + 1);
            if (semicolon > i + 1 && semicolon - i <= 10) {
                const QString decoded = entity(html.sliced(i + 1, semicolon - i - 1));
                if (!decoded.isEmpty()) {
                    raw += decoded;
                    i = semicolon + 1;
                    continue;
                }
            }
            raw += u'&';
            ++i;
            continue;
        }
        if (html.sliced(i).startsWith(u"<!--")) {
            const qsizetype end = html.indexOf(u"-->", i + 4);
            i = end < 0 ? n : end + 3;
            continue;
        }
        const qsizetype close = html.indexOf(u'>', i + 1);
        if (close < 0)
            break;
        QStringView tag = html.sliced(i + 1, close - i - 1);
        const bool endTag = tag.startsWith(u'/');
        if (endTag)
            tag = tag.sliced(1);
        qsizetype nameEnd = 0;
        while (nameEnd < tag.size() && tag.at(nameEnd).isLetterOrNumber())
            ++nameEnd;
        const QStringView name = tag.first(nameEnd);
        i = close + 1;
        if (!endTag
            && (name.compare(u"script", Qt::CaseInsensitive) == 0
                || name.compare(u"style", Qt::CaseInsensitive) == 0)) {
            const QString endMark = QLatin1String("</") + name.toString();
            const qsizetype end = html.indexOf(endMark, i, Qt::CaseInsensitive);
            const qsizetype endClose = end < 0 ? -1 : html.indexOf(u'>', end);
            i = endClose < 0 ? n : endClose + 1;
            continue;
        }
        raw += isBlockTag(name) ? u'\n' : u' ';
    }

    // Second pass: blanks collapsed within lines, lines trimmed, at most one empty line in a row.
    QString text(raw.size(), Qt::Uninitialized);
    QChar *out = text.data();
    const QChar *const begin = out;
    int newlines = 0;
    bool pendingSpace = false;
    for (const QChar c : std::as_const(raw)) {
        if (c == u'\n' || c == u'\r') {
            pendingSpace = false;
            if (out != begin)
                ++newlines;
            continue;
        }
        if (c.isSpace()) {
            pendingSpace = true;
            continue;
        }
        if (newlines > 0) {
            *out++ = u'\n';
            if (newlines > 1)
                *out++ = u'\n';
            newlines = 0;
        } else if (pendingSpace && out != begin) {
            *out++ = u' ';
        }
        pendingSpace = false;
        *out++ = c;
    }
    text.truncate(out - begin);
    return text;
}

} // namespace smtpscope::core
