#include "transcript/wrapperstripper.h"

#include <QRegularExpression>
#include <QStringDecoder>

#include <array>

namespace smtpscope::core {

namespace {

constexpr int kSampleLines = 400;
// Longer lines are cut when split: no transcript line is this long, and the rules must stay linear.
constexpr qsizetype kMaxLineLength = 1 << 20;

// The hand-written matchers below replace per-line regexes: they run on every line of a large log.
bool asciiDigit(QChar c)
{
    return c.unicode() >= u'0' && c.unicode() <= u'9';
}

bool asciiWord(QChar c) // PCRE's \w without Unicode properties
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') || u == u'_';
}

// ASCII character classes of the syslog prefix, looked up instead of tested one comparison at a time.
enum : unsigned char { kWordChar = 1, kDotChar = 2, kColonChar = 4, kDashChar = 8, kSlashChar = 16 };

constexpr std::array<unsigned char, 128> kAsciiClass = [] {
    std::array<unsigned char, 128> t {};
    for (int c = 0; c < 128; ++c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
            t[size_t(c)] |= kWordChar;
    }
    t['.'] |= kDotChar;
    t[':'] |= kColonChar;
    t['-'] |= kDashChar;
    t['/'] |= kSlashChar;
    return t;
}();

// The end of the run of characters of the classes @p mask from @p i.
qsizetype skipClass(QStringView t, qsizetype i, unsigned char mask)
{
    const char16_t *d = t.utf16();
    while (i < t.size() && d[i] < 128 && (kAsciiClass[d[i]] & mask))
        ++i;
    return i;
}

bool pcreSpace(QChar c)
{
    const char16_t u = c.unicode();
    return u == u' ' || u == u'\t' || u == u'\n' || u == u'\v' || u == u'\f' || u == u'\r';
}

// Consumes @p n digits at @p i.
bool digits(QStringView t, qsizetype &i, int n)
{
    for (int k = 0; k < n; ++k, ++i)
        if (i >= t.size() || !asciiDigit(t.at(i)))
            return false;
    return true;
}

bool literal(QStringView t, qsizetype &i, char16_t c)
{
    if (i >= t.size() || t.at(i) != c)
        return false;
    ++i;
    return true;
}

void fraction(QStringView t, qsizetype &i)
{
    if (i + 1 < t.size() && t.at(i) == u'.' && asciiDigit(t.at(i + 1))) {
        i += 2;
        while (i < t.size() && asciiDigit(t.at(i)))
            ++i;
    }
}

// "^\s*(```|~~~)": a markdown code fence.
bool isFence(QStringView t)
{
    if (t.isEmpty() || (t.front() != u'`' && t.front() != u'~' && !pcreSpace(t.front())))
        return false;
    qsizetype i = 0;
    while (i < t.size() && pcreSpace(t.at(i)))
        ++i;
    if (i + 3 > t.size())
        return false;
    const QChar c = t.at(i);
    return (c == u'`' || c == u'~') && t.at(i + 1) == c && t.at(i + 2) == c;
}

// "service_1    | ": the length of a docker-compose prefix, 0 when there is none.
qsizetype dockerPrefix(QStringView t)
{
    if (t.isEmpty() || t.at(0).unicode() > 127 || !t.at(0).isLetterOrNumber())
        return 0;
    qsizetype i = 1;
    while (i < t.size() && (asciiWord(t.at(i)) || t.at(i) == u'.' || t.at(i) == u'-'))
        ++i;
    while (i < t.size() && pcreSpace(t.at(i)))
        ++i;
    return t.mid(i).startsWith(u"| ") ? i + 2 : 0;
}

// A syslog, journald or RFC 3339 rsyslog prefix ("<timestamp> <host> ") followed by "program[pid]: ".
struct SyslogPrefix
{
    qsizetype length = 0; ///< 0 when there is none
    QStringView timestamp;
    QStringView host;
};

SyslogPrefix syslogPrefix(QStringView t)
{
    SyslogPrefix p;
    if (t.isEmpty() || t.at(0).unicode() > 127 || !t.at(0).isLetterOrNumber())
        return p;
    qsizetype i = 0;
    if (t.at(0).isUpper()) {
        // "Mmm dd HH:MM:SS[.ffffff]", the day space-padded
        if (t.size() < 15 || !t.at(1).isLower() || !t.at(2).isLower() || t.at(1).unicode() > 127
            || t.at(2).unicode() > 127 || t.at(3) != u' ')
            return p;
        const QChar d0 = t.at(4);
        if (!(d0 == u' ' || (d0 >= u'0' && d0 <= u'3')) || !asciiDigit(t.at(5)) || t.at(6) != u' ')
            return p;
        i = 7;
        if (!digits(t, i, 2) || !literal(t, i, u':') || !digits(t, i, 2) || !literal(t, i, u':') || !digits(t, i, 2))
            return p;
        fraction(t, i);
    } else {
        // "YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+hh:mm|+hhmm]"
        if (!digits(t, i, 4) || !literal(t, i, u'-') || !digits(t, i, 2) || !literal(t, i, u'-') || !digits(t, i, 2)
            || !literal(t, i, u'T') || !digits(t, i, 2) || !literal(t, i, u':') || !digits(t, i, 2)
            || !literal(t, i, u':') || !digits(t, i, 2))
            return p;
        fraction(t, i);
        if (i < t.size() && t.at(i) == u'Z') {
            ++i;
        } else if (i < t.size() && (t.at(i) == u'+' || t.at(i) == u'-')) {
            qsizetype z = i + 1;
            if (digits(t, z, 2)) {
                if (z < t.size() && t.at(z) == u':')
                    ++z;
                if (digits(t, z, 2))
                    i = z;
            }
        }
    }
    const qsizetype stampEnd = i;
    if (!literal(t, i, u' '))
        return p;
    const qsizetype hostStart = i;
    i = skipClass(t, i, kWordChar | kDotChar | kColonChar | kDashChar);
    if (i == hostStart)
        return p;
    const qsizetype hostEnd = i;
    if (!literal(t, i, u' '))
        return p;
    // Look ahead (not consumed): "program[pid]: " or "program: ".
    qsizetype j = skipClass(t, i, kWordChar | kDotChar | kSlashChar | kDashChar);
    if (j == i)
        return p;
    if (j < t.size() && t.at(j) == u'[') {
        const qsizetype pidStart = ++j;
        while (j < t.size() && asciiDigit(t.at(j)))
            ++j;
        if (j == pidStart || !literal(t, j, u']'))
            return p;
    }
    if (j + 1 >= t.size() || t.at(j) != u':' || t.at(j + 1) != u' ')
        return p;
    p.length = i;
    p.timestamp = t.first(stampEnd);
    p.host = t.mid(hostStart, hostEnd - hostStart);
    return p;
}

bool isBlankText(QStringView s)
{
    for (QChar c : s)
        if (!c.isSpace())
            return false;
    return true;
}

// HTML output (PHPMailer's 'html' debug mode): "<br>" line ends and entities.
const QRegularExpression &brEndRe()
{
    static const QRegularExpression re(QStringLiteral("<br\\s*/?>\\s*$"), QRegularExpression::CaseInsensitiveOption);
    return re;
}

const QRegularExpression &entityHintRe()
{
    static const QRegularExpression re(QStringLiteral("&(gt|lt|amp|quot|#0?39);"));
    return re;
}

// Calls @p f(number, piece) for each line of @p text: line ends (LF, CRLF, CR-only) and terminal
// overwrites removed, cut at kMaxLineLength.
template<typename F> void forEachLine(const QString &text, F &&f)
{
    const bool hasLineFeed = text.contains(QLatin1Char('\n'));
    const bool hasReturn = text.contains(QLatin1Char('\r'));
    const QChar separator = hasLineFeed ? QLatin1Char('\n') : QLatin1Char('\r');
    qsizetype start = 0;
    int number = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf(separator, start);
        if (end < 0)
            end = text.size();
        QStringView piece = QStringView(text).mid(start, end - start);
        if (hasReturn) {
            while (piece.endsWith(u'\r'))
                piece.chop(1);
            // A terminal overwrite (progress meters, \r\r\n pty captures): what remains visible is the tail.
            const qsizetype cr = piece.lastIndexOf(u'\r');
            if (cr >= 0) {
                const QStringView tail = piece.mid(cr + 1);
                piece = tail.trimmed().isEmpty() ? piece.first(cr) : tail;
                piece = piece.mid(piece.lastIndexOf(u'\r') + 1);
            }
        }
        if (piece.size() > kMaxLineLength)
            piece.truncate(kMaxLineLength);
        f(++number, piece);
        start = end + 1;
    }
}

// How many lines @p text probably has, from the line density of its first 64 KiB: counting all lines
// first would cost a pass of its own.
qsizetype estimatedLines(const QString &text)
{
    const QChar separator = text.contains(QLatin1Char('\n')) ? QLatin1Char('\n') : QLatin1Char('\r');
    const QStringView head = QStringView(text).first(std::min<qsizetype>(text.size(), 65536));
    const qsizetype headLines = head.count(separator) + 1;
    return qsizetype(double(text.size()) * double(headLines) / double(std::max<qsizetype>(1, head.size()))) + 16;
}

QString decodeEntities(const QString &in)
{
    if (!in.contains(QLatin1Char('&')))
        return in;
    static const QRegularExpression entity(QStringLiteral("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,6});"));
    QString out;
    out.reserve(in.size());
    qsizetype last = 0;
    auto it = entity.globalMatch(in);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(in).mid(last, m.capturedStart() - last);
        const QString name = m.captured(1);
        QString replacement;
        if (name.startsWith(u'#')) {
            bool ok = false;
            const uint code
                = name.at(1) == u'x' || name.at(1) == u'X' ? name.mid(2).toUInt(&ok, 16) : name.mid(1).toUInt(&ok, 10);
            if (ok && code > 0 && code < 0x110000) {
                const char32_t c = code;
                replacement = QString::fromUcs4(&c, 1);
            }
        } else if (name == u"gt") {
            replacement = QStringLiteral(">");
        } else if (name == u"lt") {
            replacement = QStringLiteral("<");
        } else if (name == u"amp") {
            replacement = QStringLiteral("&");
        } else if (name == u"quot") {
            replacement = QStringLiteral("\"");
        } else if (name == u"apos") {
            replacement = QStringLiteral("'");
        } else if (name == u"nbsp") {
            replacement = QStringLiteral(" ");
        }
        out += replacement.isNull() ? m.captured(0) : replacement;
        last = m.capturedEnd();
    }
    out += QStringView(in).mid(last);
    return out;
}

} // namespace

bool WrapperStripper::looksBinary(const QByteArray &bytes)
{
    const qsizetype n = std::min<qsizetype>(bytes.size(), 65536);
    qsizetype controls = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const uchar c = uchar(bytes.at(i));
        if (c == 0)
            return true;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b)
            ++controls;
    }
    return n > 0 && controls * 20 > n;
}

QList<SourceLine> WrapperStripper::splitLines(const QString &text)
{
    QList<SourceLine> lines;
    lines.reserve(estimatedLines(text));
    forEachLine(text, [&lines](int number, QStringView piece) {
        lines.append(SourceLine { number, piece.toString(), {}, {}, false });
    });
    lines.squeeze();
    return lines;
}

bool WrapperStripper::stripToViews(const QString &text, QList<SourceLineView> *lines)
{
    // The decisions of strip(QString) below, taken on the same sample; any wrapper beyond syslog prefixes
    // and fences leaves the work to strip().
    lines->clear();
    if (text.contains(QLatin1Char('\t')))
        return false;
    lines->reserve(estimatedLines(text));
    forEachLine(text, [lines](int number, QStringView piece) {
        SourceLineView &l = lines->emplace_back();
        l.number = number;
        l.text = piece;
    });
    QList<qsizetype> sample;
    for (qsizetype i = 0; i < lines->size() && sample.size() < kSampleLines; ++i)
        if (!isBlankText(lines->at(i).text))
            sample.append(i);
    auto fail = [lines] {
        lines->clear();
        return false;
    };
    if (sample.isEmpty())
        return fail();
    int htmlHints = 0;
    for (qsizetype i : std::as_const(sample)) {
        const QStringView t = lines->at(i).text;
        if (!t.contains(u'<') && !t.contains(u'&'))
            continue; // neither pattern can match
        const QString line = t.toString();
        if (brEndRe().match(line).hasMatch() || entityHintRe().match(line).hasMatch())
            ++htmlHints;
    }
    if (htmlHints * 4 >= sample.size())
        return fail();
    QList<qsizetype> content;
    for (qsizetype i : std::as_const(sample))
        if (!isFence(lines->at(i).text))
            content.append(i);
    if (content.isEmpty())
        return fail();
    // Backticks (one pair around the paste, or one per line) and "> " quoting (then the first content
    // line starts with '>').
    const QStringView first = lines->at(content.first()).text;
    const QStringView last = lines->at(content.last()).text;
    if (first.startsWith(u'`') || last.endsWith(u'`') || first.startsWith(u'>'))
        return fail();
    int dockerLines = 0;
    for (qsizetype i : std::as_const(content)) {
        const QStringView t = QStringView(lines->at(i).text).trimmed();
        if (t.size() >= 2 && t.startsWith(u'`') && t.endsWith(u'`'))
            return fail();
        if (dockerPrefix(lines->at(i).text) > 0)
            ++dockerLines;
    }
    if (dockerLines * 2 > content.size())
        return fail();
    for (SourceLineView &l : *lines) {
        if (isFence(l.text)) {
            l.text = QStringView();
            l.wrapperOnly = true;
            continue;
        }
        const SyslogPrefix p = syslogPrefix(l.text);
        if (p.length == 0)
            continue;
        l.timestamp = p.timestamp;
        l.host = p.host;
        l.text = l.text.mid(p.length);
    }
    return true;
}

StrippedText WrapperStripper::strip(const QByteArray &bytes)
{
    if (looksBinary(bytes)) {
        StrippedText out;
        out.error = QStringLiteral("binary data, not a text transcript");
        return out;
    }
    QStringDecoder utf8(QStringDecoder::Utf8);
    QString text = utf8.decode(bytes);
    // Exchange logs and old pastes are often Windows-1252; Latin-1 keeps every byte readable.
    if (utf8.hasError())
        text = QString::fromLatin1(bytes);
    if (text.startsWith(QChar(0xfeff)))
        text.remove(0, 1);
    return strip(text);
}

StrippedText WrapperStripper::strip(const QString &text)
{
    StrippedText out;
    out.lines = splitLines(text);
    QList<SourceLine> &lines = out.lines;

    QList<qsizetype> sample;
    for (qsizetype i = 0; i < lines.size() && sample.size() < kSampleLines; ++i)
        if (!isBlankText(lines.at(i).text))
            sample.append(i);
    if (sample.isEmpty())
        return out;

    // HTML output (PHPMailer's 'html' debug mode): "<br>" line ends and entities.
    const QRegularExpression &brEnd = brEndRe();
    const QRegularExpression &entityHint = entityHintRe();
    int htmlHints = 0;
    for (qsizetype i : sample)
        if (brEnd.match(lines.at(i).text).hasMatch() || entityHint.match(lines.at(i).text).hasMatch())
            ++htmlHints;
    if (htmlHints * 4 >= sample.size()) {
        out.wrappers.append(QStringLiteral("html"));
        for (SourceLine &l : lines) {
            l.text.remove(brEnd);
            l.text = decodeEntities(l.text);
        }
    }

    // Markdown: code fences, one backtick per line, "> " quoting.
    QList<qsizetype> content;
    for (qsizetype i : sample) {
        if (isFence(lines.at(i).text)) {
            lines[i].text.clear();
            lines[i].wrapperOnly = true;
            if (!out.wrappers.contains(QStringLiteral("markdown-fence")))
                out.wrappers.append(QStringLiteral("markdown-fence"));
        } else {
            content.append(i);
        }
    }
    for (qsizetype i = sample.isEmpty() ? 0 : sample.last() + 1; i < lines.size(); ++i)
        if (isFence(lines.at(i).text)) {
            lines[i].text.clear();
            lines[i].wrapperOnly = true;
        }
    if (content.isEmpty())
        return out;
    int ticked = 0;
    for (qsizetype i : content) {
        const QString t = lines.at(i).text.trimmed();
        if (t.size() >= 2 && t.startsWith(u'`') && t.endsWith(u'`'))
            ++ticked;
    }
    if (ticked * 5 >= content.size() * 4) {
        out.wrappers.append(QStringLiteral("markdown-backticks"));
        for (SourceLine &l : lines) {
            const QString t = l.text.trimmed();
            if (t.size() >= 2 && t.startsWith(u'`') && t.endsWith(u'`'))
                l.text = t.mid(1, t.size() - 2);
        }
    } else {
        // A paste wrapped in one pair of backticks: only the first and last line carry one.
        SourceLine &first = lines[content.first()];
        if (first.text.startsWith(u'`') && !first.text.startsWith(QLatin1String("``")))
            first.text.remove(0, 1);
        SourceLine &last = lines[content.last()];
        if (last.text.endsWith(u'`') && !last.text.endsWith(QLatin1String("``")))
            last.text.chop(1);
    }
    for (int level = 0; level < 3; ++level) {
        bool allQuoted = true;
        for (qsizetype i = 0; i < lines.size() && allQuoted; ++i)
            if (!lines.at(i).wrapperOnly && !isBlankText(lines.at(i).text) && !lines.at(i).text.startsWith(u'>'))
                allQuoted = false;
        // ">>> " is sendmail's client prefix, not a quote: a whole sendmail -v paste is never all ">>>".
        if (!allQuoted)
            break;
        out.wrappers.append(QStringLiteral("markdown-quote"));
        for (SourceLine &l : lines) {
            if (l.text.startsWith(u'>'))
                l.text.remove(0, l.text.size() > 1 && l.text.at(1) == u' ' ? 2 : 1);
        }
    }

    // Fences inside the quote show up only now.
    for (SourceLine &l : lines)
        if (!l.wrapperOnly && isFence(l.text)) {
            l.text.clear();
            l.wrapperOnly = true;
        }

    // docker-compose: "service_1    | " before every line.
    int dockerLines = 0;
    for (qsizetype i : content)
        if (dockerPrefix(lines.at(i).text) > 0)
            ++dockerLines;
    if (dockerLines * 2 > content.size()) {
        out.wrappers.append(QStringLiteral("docker"));
        for (SourceLine &l : lines) {
            const qsizetype n = dockerPrefix(l.text);
            if (n > 0)
                l.text.remove(0, n);
        }
    }

    // syslog, journald and RFC 3339 rsyslog prefixes: "<timestamp> <host> " before "program[pid]: ".
    bool sawSyslog = false;
    QString host; // one host logs most lines: share its string
    for (SourceLine &l : lines) {
        const SyslogPrefix p = syslogPrefix(l.text);
        if (p.length == 0)
            continue;
        l.timestamp = p.timestamp.toString();
        if (host != p.host)
            host = p.host.toString();
        l.host = host;
        l.text.remove(0, p.length);
        sawSyslog = true;
    }
    if (sawSyslog)
        out.wrappers.append(QStringLiteral("syslog"));

    for (SourceLine &l : lines)
        l.text.replace(QLatin1Char('\t'), QLatin1Char(' '));
    return out;
}

} // namespace smtpscope::core
