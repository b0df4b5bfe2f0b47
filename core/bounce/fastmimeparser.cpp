#include "bounce/fastmimeparser.h"

#include "bounce/messageparser.h"
#include "bounce/messageparser_p.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace smtpscope::core::mime {

namespace {

// The fast path. Most bounces are plain, well-formed MIME; for them the structure is read here straight from the
// bytes, with the same results the GMime walk (messageparser.cpp) gives, at a fraction of the cost (GMime builds a
// GObject tree of every part and header and parses address fields nobody reads). Anything unusual (8-bit or encoded
// header text, comments or RFC 2231 in parameters, a multipart that does not close properly, unknown encodings, deep
// nesting, ...) makes the fast path give up, and the message is parsed with GMime as before.
class FastParser
{
public:
    FastParser(const QByteArray &bytes, ParsedMessage &message, Walker &walker)
        : m_data(bytes.constData())
        , m_size(bytes.size())
        , m_message(message)
        , m_walker(walker)
    { }

    bool run()
    {
        Entity top;
        top.fields.reserve(32); // a bounce's header is long: no regrowth field by field
        m_message.parts.reserve(8); // nor part by part
        qsizetype pos = 0;
        // An mbox "From " line first (a message saved with its envelope line): GMime finds no MIME part there
        // and reads the input as a message, which skips that line; the message's fields come out in their order
        // and its top part's are the Content-* ones, as here. The first line after it is then held to what the
        // first line of the input is (so a second "From " line goes to GMime, as does a "From " line that never
        // ends).
        if (m_size >= 5 && std::memcmp(m_data, "From ", 5) == 0) {
            const char *nl = static_cast<const char *>(std::memchr(m_data, '\n', size_t(m_size)));
            if (!nl)
                return false;
            pos = nl - m_data + 1;
        }
        m_headerStart = pos;
        if (!readHeaders(pos, m_size, top.fields, top.headerClosed))
            return false;
        top.bodyStart = pos;
        top.bodyEnd = m_size;
        if (!describe(top))
            return false;
        m_message.headers = takeHeaders(top.fields);
        return entity(top, 0, -1, false, true);
    }

private:
    enum class FieldKind : quint8 {
        Other,
        ContentType,
        ContentTransferEncoding,
        ContentDisposition,
        OtherContent, ///< any other Content-* field
    };
    struct Field
    {
        QString name;
        QString value;
        QByteArray raw; ///< unfolded, trimmed value (plain ASCII Content-* fields only)
        bool encodedWords = false;
        FieldKind kind = FieldKind::Other; ///< from the name, in any case
        bool content() const { return kind != FieldKind::Other; }
    };
    struct Param
    {
        QByteArray name; ///< lower case
        QByteArray value;
    };
    struct Entity
    {
        QList<Field> fields;
        qsizetype bodyStart = 0;
        qsizetype bodyEnd = 0;
        bool headerClosed = false; ///< the header ended with an empty line (not at the end of the entity)
        QByteArray type = QByteArrayLiteral("text");
        QByteArray subtype = QByteArrayLiteral("plain");
        QList<Param> typeParams;
        QByteArray disposition;
        QList<Param> dispositionParams;
        QByteArray encoding; ///< lower case, empty when none
    };

    // Deeper structures go to GMime (which notes its own limit): each multipart level scans its body once, so
    // the depth bounds the work on a large message.
    static constexpr int maxDepth = 12;

    // RFC 2045 token characters: printable ASCII but the specials. A table, as it is asked for every byte of
    // every token.
    static bool isTokenChar(char c)
    {
        static constexpr auto table = [] {
            std::array<bool, 256> t {};
            for (int b = 33; b < 127; ++b)
                t[size_t(b)] = true;
            for (const char special : { '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=' })
                t[static_cast<unsigned char>(special)] = false;
            return t;
        }();
        return table[static_cast<unsigned char>(c)];
    }

    static const QByteArray *param(const QList<Param> &params, const char *name)
    {
        for (const Param &p : params) {
            if (p.name == name)
                return &p.value;
        }
        return nullptr;
    }

    // What one pass over a field's value finds (see scanLine()).
    enum ValueFlag : unsigned {
        BadByte = 1, ///< a NUL or CR byte
        EightBit = 2, ///< a byte of 0x80 or above
        EncodedWord = 4, ///< "=?"
    };

    // Scans one line from p to its line feed, which it returns (nullptr when there is none before end), and adds
    // to flags what the bytes before the line feed hold. eqCarry tells whether the byte before p was a '=' (an
    // encoded word's start may straddle two blocks) and is left telling that of the line's last byte. Each line
    // of a header is read this once: the line feed, the bytes the fast path cannot take and the signs of encoded
    // words are all looked for in the same pass, 16 bytes at a time where SSE2 is there.
    static const char *scanLine(const char *p, const char *end, unsigned &flags, bool &eqCarry)
    {
#if defined(__SSE2__)
        const __m128i lineFeeds = _mm_set1_epi8('\n');
        const __m128i returns = _mm_set1_epi8('\r');
        const __m128i nuls = _mm_setzero_si128();
        const __m128i equals = _mm_set1_epi8('=');
        const __m128i questions = _mm_set1_epi8('?');
        for (; end - p >= 16; p += 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
            const auto mask = [&v](__m128i c) { return unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, c))); };
            const unsigned lf = mask(lineFeeds);
            const unsigned before = lf ? (lf & (0u - lf)) - 1 : 0xFFFFu; // the bytes before the line feed
            // Most blocks hold none of NUL, CR, '=' or 8-bit bytes (whose top bit movemask takes as it is): one
            // test for all of them, and a closer look only where one is there or an '=' ended the last block.
            const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, nuls), _mm_cmpeq_epi8(v, returns)),
                _mm_or_si128(_mm_cmpeq_epi8(v, equals), v));
            if ((unsigned(_mm_movemask_epi8(special)) & before) || eqCarry) {
                if ((mask(nuls) | mask(returns)) & before)
                    flags |= BadByte;
                if (unsigned(_mm_movemask_epi8(v)) & before)
                    flags |= EightBit;
                const unsigned eq = mask(equals) & before;
                const unsigned question = mask(questions) & before;
                if ((eq & (question >> 1)) | (eqCarry ? question & 1u : 0u))
                    flags |= EncodedWord;
                eqCarry = (eq >> 15) != 0;
            }
            if (lf)
                return p + std::countr_zero(lf);
        }
#endif
        for (; p < end; ++p) {
            const unsigned char c = static_cast<unsigned char>(*p);
            if (c == '\n')
                return p;
            if (c == '\0' || c == '\r')
                flags |= BadByte;
            else if (c >= 0x80)
                flags |= EightBit;
            else if (c == '?' && eqCarry)
                flags |= EncodedWord;
            eqCarry = c == '=';
        }
        return nullptr;
    }

    // Scans a field from p (after its name and colon): its first line and the continuation lines after it.
    // Returns the line feed that ends the field, or nullptr when a line has none before end.
    static const char *scanField(const char *p, const char *end, unsigned &flags)
    {
        bool eqCarry = false;
        const char *lineEnd = scanLine(p, end, flags, eqCarry);
        while (lineEnd && lineEnd + 1 < end && (lineEnd[1] == ' ' || lineEnd[1] == '\t')) {
            eqCarry = false; // a line feed lies between
            lineEnd = scanLine(lineEnd + 1, end, flags, eqCarry);
        }
        return lineEnd;
    }

    // The first byte from p on that is no field name character (printable ASCII but ':'), or end.
    static const char *skipFieldName(const char *p, const char *end)
    {
#if defined(__SSE2__)
        const __m128i spaces = _mm_set1_epi8(' ');
        const __m128i deletes = _mm_set1_epi8(127);
        const __m128i colons = _mm_set1_epi8(':');
        for (; end - p >= 16; p += 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
            // (signed comparisons: bytes of 0x80 and above are negative, so no name characters either)
            const __m128i name = _mm_andnot_si128(
                _mm_cmpeq_epi8(v, colons), _mm_and_si128(_mm_cmpgt_epi8(v, spaces), _mm_cmplt_epi8(v, deletes)));
            const unsigned other = ~unsigned(_mm_movemask_epi8(name)) & 0xFFFFu;
            if (other)
                return p + std::countr_zero(other);
        }
#endif
        while (p < end && isFieldNameChar(*p))
            ++p;
        return p;
    }

    // Whether the n bytes at p are those at lower in any case (ASCII).
    static bool equalNoCase(const char *p, const char *lower, qsizetype n)
    {
        for (qsizetype i = 0; i < n; ++i) {
            const char c = p[i];
            if ((c >= 'A' && c <= 'Z' ? char(c + ('a' - 'A')) : c) != lower[i])
                return false;
        }
        return true;
    }

    // A token in lower case (ASCII, as QByteArray::toLower() does it). The usual ones are shared constants
    // rather than new arrays.
    static QByteArray lowerToken(const char *p, qsizetype n)
    {
        static const QByteArray common[] = { QByteArrayLiteral("text"), QByteArrayLiteral("plain"),
            QByteArrayLiteral("html"), QByteArrayLiteral("multipart"), QByteArrayLiteral("report"),
            QByteArrayLiteral("mixed"), QByteArrayLiteral("alternative"), QByteArrayLiteral("related"),
            QByteArrayLiteral("message"), QByteArrayLiteral("delivery-status"), QByteArrayLiteral("rfc822"),
            QByteArrayLiteral("rfc822-headers"), QByteArrayLiteral("feedback-report"), QByteArrayLiteral("application"),
            QByteArrayLiteral("octet-stream"), QByteArrayLiteral("attachment"), QByteArrayLiteral("inline"),
            QByteArrayLiteral("charset"), QByteArrayLiteral("boundary"), QByteArrayLiteral("report-type"),
            QByteArrayLiteral("name"), QByteArrayLiteral("filename"), QByteArrayLiteral("format"),
            QByteArrayLiteral("delsp") };
        // (by length: a token is compared with the few of its length only)
        constexpr qsizetype longest = 16;
        static const auto byLength = [] {
            std::array<QList<const QByteArray *>, longest + 1> table;
            for (const QByteArray &known : common) {
                if (known.size() <= longest)
                    table[size_t(known.size())].append(&known);
            }
            return table;
        }();
        if (n <= longest) {
            for (const QByteArray *known : byLength[size_t(n)]) {
                if (equalNoCase(p, known->constData(), n))
                    return *known;
            }
        }
        return QByteArray(p, n).toLower();
    }

    // The transfer encodings the fast path decodes, as lower-case constants; an empty array for any other.
    static QByteArray knownEncoding(QByteArrayView value)
    {
        static const QByteArray known[] = { QByteArrayLiteral("7bit"), QByteArrayLiteral("8bit"),
            QByteArrayLiteral("binary"), QByteArrayLiteral("base64"), QByteArrayLiteral("quoted-printable") };
        for (const QByteArray &encoding : known) {
            if (encoding.size() == value.size() && equalNoCase(value.data(), encoding.constData(), value.size()))
                return encoding;
        }
        return {};
    }

    // Which Content-* field a name is, from its bytes (ASCII, any case).
    static FieldKind fieldKind(const char *name, qsizetype length)
    {
        if (length < 8 || !equalNoCase(name, "content-", 8))
            return FieldKind::Other;
        const char *rest = name + 8;
        const qsizetype restLength = length - 8;
        if (restLength == 4 && equalNoCase(rest, "type", 4))
            return FieldKind::ContentType;
        if (restLength == 17 && equalNoCase(rest, "transfer-encoding", 17))
            return FieldKind::ContentTransferEncoding;
        if (restLength == 11 && equalNoCase(rest, "disposition", 11))
            return FieldKind::ContentDisposition;
        return FieldKind::OtherContent;
    }

    // Header fields from pos up to the empty line; pos is left after it. False for anything but plain
    // "Name: value" lines in ASCII without encoded words, or a header that does not end with an empty line.
    bool readHeaders(qsizetype &pos, qsizetype end, QList<Field> &fields, bool &closed)
    {
        const char *d = m_data;
        const char *e = d + end;
        while (true) {
            if (pos >= end)
                return true; // no empty line: the header runs to the end, and the body is empty (as GMime reads it)
            if (d[pos] == '\n') {
                ++pos;
                closed = true;
                return true;
            }
            const char *lineStart = d + pos;
            // (the name stops at the line feed at the latest: it is no name character)
            const char *nameEnd = skipFieldName(lineStart, e);
            if (nameEnd == e)
                return false; // no line feed
            unsigned flags = 0;
            if (nameEnd == lineStart || *nameEnd != ':') {
                // A line that is no field at all: a word and then a space or the line's end ("boundary=x" of a
                // fold that lost its indentation, "From x@y …"). GMime drops it with its continuation lines,
                // except as the very first line of the top header, where it finds no header at all. Anything else odd
                // is left to GMime, also "--" lines, which GMime compares with the boundaries.
                const char stop = *nameEnd;
                if (pos == m_headerStart || nameEnd == lineStart || !(stop == '\n' || stop == ' ' || stop == '\t')
                    || (lineStart[0] == '-' && lineStart[1] == '-'))
                    return false;
                const char *after = nameEnd;
                while (after < e && (*after == ' ' || *after == '\t'))
                    ++after;
                if (after < e && *after == ':')
                    return false; // "Subject : x", a field for GMime
                const char *fieldEnd = scanField(nameEnd, e, flags);
                if (!fieldEnd)
                    return false;
                pos = fieldEnd - d + 1;
                continue;
            }
            const char *valueStart = nameEnd + 1;
            const char *valueEnd = scanField(valueStart, e, flags);
            if (!valueEnd || (flags & BadByte))
                return false;
            Field field;
            const qsizetype nameLength = nameEnd - lineStart;
            field.name = fieldName(lineStart, nameLength);
            field.kind = fieldKind(lineStart, nameLength);
            if (!(flags & (EightBit | EncodedWord))) {
                field.value = unfoldPlain(valueStart, valueEnd);
                if (field.kind != FieldKind::Other)
                    field.raw = field.value.toLatin1(); // only describe() reads it, for the Content-* fields
            } else {
                // encoded words or raw 8-bit text, decoded as GMime decodes a header value (raw 8-bit text
                // with the parser's fallback charsets)
                const QByteArray raw(valueStart, valueEnd - valueStart);
                GCharPtr unfolded(g_mime_utils_header_unfold(raw.constData()));
                GCharPtr decoded(g_mime_utils_header_decode_text(m_walker.options(), unfolded.get()));
                field.value = QString::fromUtf8(decoded.get()).trimmed();
                field.encodedWords = true;
            }
            fields.append(std::move(field));
            pos = valueEnd - d + 1;
        }
    }

    // "type/subtype" as a QString; the usual types are shared constants rather than new strings.
    static QString contentType(const QByteArray &type, const QByteArray &subtype)
    {
        static const QString common[] = { QStringLiteral("text/plain"), QStringLiteral("text/html"),
            QStringLiteral("multipart/report"), QStringLiteral("multipart/mixed"),
            QStringLiteral("multipart/alternative"), QStringLiteral("multipart/related"),
            QStringLiteral("message/delivery-status"), QStringLiteral("message/rfc822"),
            QStringLiteral("text/rfc822-headers"), QStringLiteral("message/feedback-report") };
        const qsizetype length = type.size() + 1 + subtype.size();
        for (const QString &known : common) {
            if (known.size() == length && known.at(type.size()) == u'/'
                && QLatin1StringView(type) == QStringView(known).first(type.size())
                && QLatin1StringView(subtype) == QStringView(known).sliced(type.size() + 1))
                return known;
        }
        return QString::fromLatin1(type + '/' + subtype);
    }

    // The name of a header field as a QString. The usual names are shared constants rather than new strings.
    static QString fieldName(const char *name, qsizetype length)
    {
        static const QString common[] = { QStringLiteral("Received"), QStringLiteral("From"), QStringLiteral("To"),
            QStringLiteral("Subject"), QStringLiteral("Date"), QStringLiteral("Message-ID"),
            QStringLiteral("Message-Id"), QStringLiteral("MIME-Version"), QStringLiteral("Mime-Version"),
            QStringLiteral("Content-Type"), QStringLiteral("Content-Transfer-Encoding"),
            QStringLiteral("Content-Description"), QStringLiteral("Content-Disposition"), QStringLiteral("Return-Path"),
            QStringLiteral("Delivered-To"), QStringLiteral("X-Failed-Recipients"), QStringLiteral("Auto-Submitted"),
            QStringLiteral("DKIM-Signature"), QStringLiteral("In-Reply-To"), QStringLiteral("References"),
            QStringLiteral("Reply-To"), QStringLiteral("X-Mailer"), QStringLiteral("Authentication-Results"),
            QStringLiteral("ARC-Seal"), QStringLiteral("ARC-Message-Signature"),
            QStringLiteral("ARC-Authentication-Results"), QStringLiteral("Received-SPF"),
            QStringLiteral("X-Original-To"), QStringLiteral("Thread-Index"), QStringLiteral("Thread-Topic"),
            QStringLiteral("Content-Language"), QStringLiteral("Precedence"),
            QStringLiteral("X-MS-Exchange-Message-Is-Ndr"), QStringLiteral("Sender"), QStringLiteral("Cc") };
        // (the names by length, a name being compared with the few of its length only, and as bytes)
        struct Known
        {
            QByteArray bytes;
            QString name;
        };
        constexpr qsizetype longest = 32;
        static const auto byLength = [] {
            std::array<QList<Known>, longest + 1> table;
            for (const QString &known : common) {
                if (known.size() <= longest)
                    table[size_t(known.size())].append({ known.toLatin1(), known });
            }
            return table;
        }();
        if (length <= longest) {
            for (const Known &known : byLength[size_t(length)]) {
                if (std::memcmp(known.bytes.constData(), name, size_t(length)) == 0)
                    return known.name;
            }
        }
        return QString::fromLatin1(name, length);
    }

    // The fields of a message's header as name and value. The Content-* fields are copied, as entity() reads them
    // again for the top part; the others are moved out.
    static QList<QPair<QString, QString>> takeHeaders(QList<Field> &fields)
    {
        QList<QPair<QString, QString>> headers;
        headers.reserve(fields.size());
        for (Field &field : fields) {
            if (field.content())
                headers.append({ field.name, field.value });
            else
                headers.append({ std::move(field.name), std::move(field.value) });
        }
        return headers;
    }

    static bool isFieldNameChar(char c)
    {
        return c > 32 && c < 127 && c != ':';
    }

    // "token/token" or "token", then "; name=value" parameters (token or simple quoted string).
    static bool parseStructured(
        const QByteArray &value, bool withSubtype, QByteArray &type, QByteArray &subtype, QList<Param> &params)
    {
        const char *p = value.constData();
        const char *end = p + value.size();
        auto skipSpace = [&] {
            while (p < end && (*p == ' ' || *p == '\t'))
                ++p;
        };
        auto token = [&](QByteArray &out) {
            const char *start = p;
            while (p < end && isTokenChar(*p))
                ++p;
            out = lowerToken(start, p - start);
            return p > start;
        };
        skipSpace();
        if (!token(type))
            return false;
        if (withSubtype) {
            if (p >= end || *p != '/')
                return false;
            ++p;
            if (!token(subtype))
                return false;
        }
        skipSpace();
        while (p < end) {
            if (*p != ';')
                return false;
            ++p;
            skipSpace();
            if (p == end)
                break;
            Param param;
            if (!token(param.name) || param.name.contains('*'))
                return false;
            skipSpace();
            if (p >= end || *p != '=')
                return false;
            ++p;
            skipSpace();
            if (p < end && *p == '"') {
                const char *start = ++p;
                while (p < end && *p != '"' && *p != '\\')
                    ++p;
                if (p >= end || *p != '"')
                    return false;
                param.value = QByteArray(start, p - start);
                ++p;
            } else {
                const char *start = p;
                while (p < end && isTokenChar(*p))
                    ++p;
                if (p == start)
                    return false;
                param.value = QByteArray(start, p - start);
            }
            // (No "=?" in the value: describe() only reads fields without encoded words, and unfolding makes
            // none, as a fold's line feed is followed by a blank.)
            for (const Param &other : std::as_const(params)) {
                if (other.name == param.name)
                    return false;
            }
            params.append(std::move(param));
            skipSpace();
        }
        return true;
    }

    // Reads the Content-* fields of an entity; false when they need GMime.
    bool describe(Entity &e)
    {
        bool sawType = false, sawEncoding = false, sawDisposition = false;
        for (const Field &field : std::as_const(e.fields)) {
            if (!field.content())
                continue;
            if (field.encodedWords)
                return false;
            if (field.kind == FieldKind::ContentType) {
                if (sawType || !parseStructured(field.raw, true, e.type, e.subtype, e.typeParams))
                    return false;
                sawType = true;
            } else if (field.kind == FieldKind::ContentTransferEncoding) {
                if (sawEncoding)
                    return false;
                sawEncoding = true;
                e.encoding = knownEncoding(QByteArrayView(field.raw).trimmed());
                if (e.encoding.isEmpty())
                    return false;
            } else if (field.kind == FieldKind::ContentDisposition) {
                QByteArray unused;
                if (sawDisposition || !parseStructured(field.raw, false, e.disposition, unused, e.dispositionParams))
                    return false;
                sawDisposition = true;
            }
        }
        if (e.type == "multipart" && e.subtype == "digest")
            return false; // parts default to message/rfc822 there
        // (message/partial and message/external-body are GMime parts of their own class, but walked as any
        // part: a leaf whose content is not read.)
        if (e.type == "message" && e.subtype != "rfc822" && e.subtype != "global" && e.subtype != "delivery-status"
            && e.subtype != "global-delivery-status" && e.subtype != "feedback-report" && e.subtype != "global-headers"
            && e.subtype != "disposition-notification" && e.subtype != "global-disposition-notification"
            && e.subtype != "partial" && e.subtype != "external-body")
            return false; // message/news and the like: GMime reads them as messages
        return true;
    }

    // The first line at or after pos that is "--boundary" or "--boundary--" (with optional trailing blanks) of
    // this multipart or of an enclosing one. Returns the line start, or -1.
    qsizetype findBoundary(qsizetype pos, qsizetype end, bool &closing, bool &ours) const
    {
        const char *d = m_data;
        const qsizetype first = pos;
        while (pos < end) {
            // Only lines that start with "--" matter: jump to the next '-' (base64 has none) that starts a line.
            const char *dash = static_cast<const char *>(std::memchr(d + pos, '-', size_t(end - pos)));
            if (!dash)
                break;
            pos = dash - d;
            if (pos > first && d[pos - 1] != '\n') {
                ++pos;
                continue;
            }
            if (pos + 1 < end && d[pos + 1] == '-') {
                const char *nl = static_cast<const char *>(std::memchr(d + pos, '\n', size_t(end - pos)));
                qsizetype lineEnd = nl ? nl - d : end;
                qsizetype trimmed = lineEnd;
                while (trimmed > pos && (d[trimmed - 1] == ' ' || d[trimmed - 1] == '\t'))
                    --trimmed;
                for (qsizetype level = m_boundaries.size() - 1; level >= 0; --level) {
                    const QByteArray &b = m_boundaries.at(level);
                    const qsizetype length = trimmed - pos - 2;
                    if (length < b.size() || std::memcmp(d + pos + 2, b.constData(), size_t(b.size())) != 0)
                        continue;
                    if (length == b.size()
                        || (length == b.size() + 2 && d[trimmed - 1] == '-' && d[trimmed - 2] == '-')) {
                        closing = length != b.size();
                        ours = level == m_boundaries.size() - 1;
                        return pos;
                    }
                    // GMime also takes "--boundary" followed by other text as the boundary of an enclosing level
                    return -2;
                }
            }
            const char *nl = static_cast<const char *>(std::memchr(d + pos, '\n', size_t(end - pos)));
            if (!nl)
                break;
            pos = nl - d + 1;
        }
        return -1;
    }

    bool entity(Entity &e, int depth, int parent, bool inEnclosedMessage, bool top)
    {
        if (m_depthBase + depth > maxDepth)
            return false;
        MimePart part;
        part.depth = depth;
        part.parent = parent;
        part.contentType = contentType(e.type, e.subtype);
        const QByteArray *charset = param(e.typeParams, "charset");
        part.charset = charset ? QString::fromLatin1(*charset) : QString();
        part.attachment = e.disposition == "attachment";
        const QByteArray *fileName = param(e.dispositionParams, "filename");
        if (!fileName)
            fileName = param(e.typeParams, "name");
        if (fileName)
            part.fileName = QString::fromLatin1(*fileName);
        // (e.fields is not read after this: moved out)
        if (!top)
            part.headers.reserve(e.fields.size());
        for (Field &field : e.fields) {
            if (!top || field.content())
                part.headers.append({ std::move(field.name), std::move(field.value) });
        }
        const int index = int(m_message.parts.size());

        if (e.type == "multipart") {
            const QByteArray *boundary = param(e.typeParams, "boundary");
            if (boundary && boundary->isEmpty())
                return false;
            const QString contentType = part.contentType;
            m_message.parts.append(std::move(part));
            // No part found: GMime leaves the body before the first delimiter line (all of it when there is none)
            // in the prologue, a C string that ends at the first NUL byte.
            const auto partless = [&](const QString &problem, qsizetype prologueEnd) {
                const qsizetype length = prologueEnd - e.bodyStart;
                const char *nul = static_cast<const char *>(std::memchr(m_data + e.bodyStart, '\0', size_t(length)));
                const QByteArray prologue(m_data + e.bodyStart, nul ? nul - (m_data + e.bodyStart) : length);
                m_walker.partlessMultipart(problem.arg(contentType), contentType,
                    charset ? charset->constData() : nullptr, prologue, depth, index, inEnclosedMessage,
                    [&](const QByteArray &delimiter) {
                        return recoverParts(contentType, delimiter, prologue, depth, index);
                    });
                return true;
            };
            if (!boundary)
                return partless(QStringLiteral("%1 without a boundary parameter"), e.bodyEnd);
            m_boundaries.append(*boundary);
            bool closing = false, ours = false;
            qsizetype at = findBoundary(e.bodyStart, e.bodyEnd, closing, ours);
            if (at == -1) {
                m_boundaries.removeLast();
                return partless(QStringLiteral("%1 has no parts"), e.bodyEnd); // no delimiter line of any level
            }
            if (at < 0 || !ours || closing)
                return false; // an enclosing boundary first
            // The parts' extents first, to note a missing closing boundary before what the parts note.
            const qsizetype first = at;
            QList<QPair<qsizetype, qsizetype>> extents;
            bool truncated = false;
            while (true) {
                const char *nl = static_cast<const char *>(std::memchr(m_data + at, '\n', size_t(e.bodyEnd - at)));
                if (!nl)
                    return false;
                const qsizetype partStart = nl - m_data + 1;
                bool nextClosing = false, nextOurs = false;
                const qsizetype next = findBoundary(partStart, e.bodyEnd, nextClosing, nextOurs);
                // (A delimiter line right after another, or at the end, delimits nothing: GMime makes no part.)
                if (next == -1) {
                    // no closing boundary: the last part runs to the end, as GMime reads it
                    if (partStart < e.bodyEnd)
                        extents.append({ partStart, e.bodyEnd });
                    truncated = true;
                    break;
                }
                if (next < 0 || !nextOurs)
                    return false;
                // the newline before a boundary line belongs to the boundary
                if (next > partStart)
                    extents.append({ partStart, next - 1 });
                if (nextClosing)
                    break;
                at = next;
            }
            if (extents.isEmpty()) {
                m_boundaries.removeLast();
                return partless(QStringLiteral("%1 has no parts"), first > e.bodyStart ? first - 1 : e.bodyStart);
            }
            if (truncated)
                m_walker.note(
                    QStringLiteral("%1 ends without its closing boundary: truncated or malformed").arg(contentType));
            for (const auto &extent : std::as_const(extents)) {
                Entity child;
                child.fields.reserve(8); // a part's header is short: few regrowths
                qsizetype pos = extent.first;
                const qsizetype childEnd = extent.second;
                if (!readHeaders(pos, childEnd, child.fields, child.headerClosed)
                    && !(pos == extent.first && childEnd == extent.first))
                    return false;
                if (pos > childEnd)
                    return false;
                child.bodyStart = pos;
                child.bodyEnd = childEnd;
                if (!describe(child) || !entity(child, depth + 1, index, inEnclosedMessage, false))
                    return false;
            }
            m_boundaries.removeLast();
            return true;
        }

        if (e.type == "message" && (e.subtype == "rfc822" || e.subtype == "global")) {
            if (!e.encoding.isEmpty() && e.encoding != "7bit" && e.encoding != "8bit" && e.encoding != "binary")
                return false;
            Entity enclosed;
            enclosed.fields.reserve(32);
            qsizetype pos = e.bodyStart;
            // (No field at all, when the body starts with an empty line or with lines that are no field: GMime
            // reads a message without header fields.)
            if (e.bodyStart >= e.bodyEnd) {
                // No content. GMime's message parser then reads on into the line feed of the delimiter line that
                // follows, if any: when the part's header ended with an empty line, that line feed is an empty
                // header, and GMime reads a message without fields or body. When the part's header ran up to
                // the delimiter line, or nothing follows, it reads no message.
                if (!e.headerClosed || e.bodyEnd >= m_size) {
                    m_message.parts.append(std::move(part));
                    return true;
                }
            } else if (!readHeaders(pos, e.bodyEnd, enclosed.fields, enclosed.headerClosed)) {
                return false;
            }
            enclosed.bodyStart = pos;
            enclosed.bodyEnd = e.bodyEnd;
            if (!describe(enclosed))
                return false;
            part.messageHeaders = takeHeaders(enclosed.fields);
            part.text = renderHeaders(part.messageHeaders);
            part.decoded = true;
            m_message.parts.append(std::move(part));
            const bool isReport = enclosed.type == "multipart" && enclosed.subtype == "report";
            return entity(enclosed, depth + 1, index, inEnclosedMessage || !isReport, true);
        }

        const bool report = isReportType(part.contentType);
        const bool text
            = part.contentType == QLatin1String("text/plain") || part.contentType == QLatin1String("text/html");
        if (report || (text && !part.attachment && !inEnclosedMessage)) {
            QByteArray bytes;
            if (!decode(e, bytes))
                return false;
            part.size = bytes.size();
            const bool global = part.contentType.startsWith(QLatin1String("message/global"));
            const QByteArray charsetName = charset ? *charset : QByteArray();
            part.text = m_walker.toUnicode(
                bytes, global ? "utf-8" : (charset ? charsetName.constData() : nullptr), part.contentType);
            if (isHeaderBlockType(part.contentType))
                part.messageHeaders = m_walker.parseHeaderBlock(bytes);
            part.decoded = true;
        }
        m_message.parts.append(std::move(part));
        return true;
    }

    static int hexValue(char c)
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        return -1;
    }

    // Quoted-printable decoded exactly as GMime's decoder does it (the GMime walk uses that one), without setting
    // up a GMime filter for each part: "=" and two hex digits (either case) is that byte; "=" before a line feed,
    // or before CR LF, is a soft line break; any other "=" goes out as it is together with the two bytes after it
    // (so the second of these is never read as the start of an escape); an "=" with fewer than two bytes after
    // it at the end of the text is dropped. Lines keep their trailing blanks. The runs between "=" are copied.
    static QByteArray decodeQuotedPrintable(const char *p, const char *end)
    {
        QByteArray out(end - p, Qt::Uninitialized);
        char *o = out.data();
        while (p < end) {
            const char *eq = static_cast<const char *>(std::memchr(p, '=', size_t(end - p)));
            const char *runEnd = eq ? eq : end;
            std::memcpy(o, p, size_t(runEnd - p));
            o += runEnd - p;
            if (!eq || end - eq < 2)
                break;
            if (eq[1] == '\n') {
                p = eq + 2;
                continue;
            }
            if (end - eq < 3)
                break;
            const char x = eq[1];
            const char y = eq[2];
            p = eq + 3;
            const int high = hexValue(x);
            const int low = hexValue(y);
            if (high >= 0 && low >= 0) {
                *o++ = char((high << 4) | low);
            } else if (!(x == '\r' && y == '\n')) {
                *o++ = '=';
                *o++ = x;
                *o++ = y;
            }
        }
        out.truncate(o - out.constData());
        return out;
    }

    // The parts of a multipart whose own boundary found none, split at the delimiter lines its body uses: what
    // Walker::recoverBody() reads with GMime, read here by a fast parser of its own on the same input. False when
    // that one gives up, finds no part or has anything to note (then GMime reads them).
    bool recoverParts(
        const QString &contentType, const QByteArray &delimiter, const QByteArray &body, int depth, int index)
    {
        if (m_recovering)
            return false; // (a recovery inside a recovery is left to GMime: no recursion without bound)
        const QByteArray bytes = recoveryInput(contentType, delimiter, body);
        ParsedMessage recovered;
        Walker walker(recovered, m_walker.options());
        FastParser parser(bytes, recovered, walker);
        parser.m_depthBase = m_depthBase + depth;
        parser.m_recovering = true;
        if (!parser.run() || !walker.notes().isEmpty() || recovered.parts.size() < 2
            || recovered.parts.first().contentType != contentType)
            return false;
        // GMime's walk takes the parts (not the multipart itself) one level below this multipart.
        const qsizetype base = m_message.parts.size();
        for (qsizetype i = 1; i < recovered.parts.size(); ++i) {
            MimePart part = std::move(recovered.parts[i]);
            part.depth += depth;
            part.parent = part.parent == 0 ? index : int(base + part.parent - 1);
            m_message.parts.append(std::move(part));
        }
        return true;
    }

    bool decode(const Entity &e, QByteArray &out) const
    {
        const qsizetype length = e.bodyEnd - e.bodyStart;
        if (length > MessageParser::maxTextLength)
            return false;
        const char *content = m_data + e.bodyStart;
        if (e.encoding != "base64" && e.encoding != "quoted-printable") {
            out = QByteArray(content, length);
            return true;
        }
        if (e.encoding == "quoted-printable") {
            out = decodeQuotedPrintable(content, content + length);
            return true; // (never longer than its input)
        }
        GObjectPtr<GMimeFilter> filter(g_mime_filter_basic_new(GMIME_CONTENT_ENCODING_BASE64, FALSE));
        char *filtered = nullptr;
        size_t filteredLength = 0;
        size_t prespace = 0;
        // GMime's filters take non-const input but do not write to it.
        g_mime_filter_filter(
            filter.get(), const_cast<char *>(content), size_t(length), 0, &filtered, &filteredLength, &prespace);
        out = QByteArray(filtered, qsizetype(filteredLength));
        g_mime_filter_complete(filter.get(), nullptr, 0, 0, &filtered, &filteredLength, &prespace);
        out.append(filtered, qsizetype(filteredLength));
        return out.size() <= MessageParser::maxTextLength;
    }

    const char *m_data;
    qsizetype m_size;
    ParsedMessage &m_message;
    Walker &m_walker;
    QList<QByteArray> m_boundaries;
    qsizetype m_headerStart = 0; ///< where the top header starts: 0, or after an mbox "From " line
    int m_depthBase = 0; ///< the depth of the input's top entity in the message (a recovered multipart's parts)
    bool m_recovering = false; ///< this parser reads a recovered multipart (see recoverParts())
};

} // namespace

bool parseFast(const QByteArray &bytes, ParsedMessage &message, Walker &walker)
{
    return FastParser(bytes, message, walker).run();
}

} // namespace smtpscope::core::mime
