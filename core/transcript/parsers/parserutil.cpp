#include "transcript/parsers/parserutil.h"

#include "reply/replyparser.h"

#include <algorithm>

namespace smtpscope::core::parsers {

namespace {

bool digit(QChar c)
{
    return c.unicode() >= u'0' && c.unicode() <= u'9';
}

} // namespace

int replyCodeOf(QStringView text)
{
    if (text.size() < 3 || !digit(text.at(0)) || !digit(text.at(1)) || !digit(text.at(2)))
        return 0;
    if (text.at(0) < u'2' || text.at(0) > u'5')
        return 0;
    if (text.size() > 3 && text.at(3) != u' ' && text.at(3) != u'-')
        return 0;
    return (text.at(0).unicode() - u'0') * 100 + (text.at(1).unicode() - u'0') * 10 + (text.at(2).unicode() - u'0');
}

bool isReplyLine(QStringView text)
{
    return replyCodeOf(text) != 0;
}

bool isCommandLine(QStringView text)
{
    // A verb (any case) followed by white space, ':' or the end of the line.
    static constexpr QLatin1StringView verbs[] = { QLatin1StringView("EHLO"), QLatin1StringView("HELO"),
        QLatin1StringView("LHLO"), QLatin1StringView("MAIL FROM"), QLatin1StringView("MAIL"),
        QLatin1StringView("RCPT TO"), QLatin1StringView("RCPT"), QLatin1StringView("DATA"), QLatin1StringView("QUIT"),
        QLatin1StringView("RSET"), QLatin1StringView("NOOP"), QLatin1StringView("VRFY"), QLatin1StringView("EXPN"),
        QLatin1StringView("AUTH"), QLatin1StringView("STARTTLS"), QLatin1StringView("BDAT"), QLatin1StringView("HELP"),
        QLatin1StringView("ETRN"), QLatin1StringView("XCLIENT"), QLatin1StringView("TURN"), QLatin1StringView("ATRN") };
    if (text.size() < 4 || text.at(0).unicode() > 127 || !text.at(0).isLetter())
        return false;
    for (const QLatin1StringView verb : verbs) {
        if (!text.startsWith(verb, Qt::CaseInsensitive))
            continue;
        if (text.size() == verb.size())
            return true;
        const QChar next = text.at(verb.size());
        if (next == u':' || next == u' ' || next == u'\t' || next == u'\n' || next == u'\r' || next == u'\f'
            || next == u'\v')
            return true;
    }
    return false;
}

QList<ProtocolLine> collectLines(const TranscriptParser &parser, const QList<SourceLine> &lines)
{
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    parser.parseInto(lines, [&out](ProtocolLine &&l) {
        l.materialize(); // the list outlives the views of a stream's lines
        out.append(std::move(l));
    });
    return out;
}

namespace {

bool isBlankText(bool wrapperOnly, QStringView text)
{
    if (wrapperOnly)
        return true;
    for (QChar c : text)
        if (!c.isSpace())
            return false;
    return true;
}

} // namespace

bool isBlankLine(const SourceLine &line)
{
    return isBlankText(line.wrapperOnly, line.text);
}

bool isBlankLine(const SourceLineView &line)
{
    return isBlankText(line.wrapperOnly, line.text);
}

ProtocolLine *appendLine(QList<ProtocolLine> &out, ProtocolLine::Kind kind, const SourceLine &source,
    const QString &text, const QString &timestamp)
{
    ProtocolLine &l = out.emplace_back(ProtocolLine::make(kind, source, text));
    if (!timestamp.isEmpty())
        l.timestamp = timestamp;
    return &l;
}

std::optional<ProtocolLine> nonEntryLine(const SourceLine &source, bool isEntry)
{
    if (isEntry)
        return std::nullopt;
    const bool noise = isBlankLine(source) || !source.host.isEmpty();
    return ProtocolLine::make(noise ? ProtocolLine::Kind::Noise : ProtocolLine::Kind::Unknown, source, source.text);
}

std::optional<ProtocolLine> nonEntryLine(const SourceLineView &source, bool isEntry, const QString &timestamp)
{
    if (isEntry)
        return std::nullopt;
    const bool noise = isBlankLine(source) || !source.host.isEmpty();
    return ProtocolLine::make(
        noise ? ProtocolLine::Kind::Noise : ProtocolLine::Kind::Unknown, source, source.text, timestamp);
}

int countMatching(const QList<SourceLine> &sample, const QRegularExpression &re, int stopAt)
{
    int n = 0;
    for (const SourceLine &l : sample) {
        if (re.match(l.text).hasMatch() && ++n >= stopAt)
            break;
    }
    return n;
}

int contentLines(const QList<SourceLine> &sample)
{
    int n = 0;
    for (const SourceLine &l : sample)
        if (!l.text.trimmed().isEmpty())
            ++n;
    return n;
}

int scoreFromCount(int count, int minimum, int base, int ceiling)
{
    if (count < minimum)
        return 0;
    return std::min(ceiling, base + (count - minimum) * 3);
}

QString unescapePython(QStringView repr)
{
    QStringView s = repr.trimmed();
    if (s.startsWith(u'b') || s.startsWith(u'u'))
        s = s.mid(1);
    if (s.size() >= 2 && (s.front() == u'\'' || s.front() == u'"') && s.back() == s.front())
        s = s.mid(1, s.size() - 2);
    QByteArray bytes;
    bytes.reserve(s.size());
    auto appendChar = [&](QChar c) { bytes += QString(c).toUtf8(); };
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        if (c != u'\\' || i + 1 >= s.size()) {
            appendChar(c);
            continue;
        }
        const QChar e = s.at(++i);
        switch (e.unicode()) {
        case u'r':
            bytes += '\r';
            break;
        case u'n':
            bytes += '\n';
            break;
        case u't':
            bytes += '\t';
            break;
        case u'\\':
        case u'\'':
        case u'"':
            appendChar(e);
            break;
        case u'x':
            if (i + 2 < s.size()) {
                bool ok = false;
                const int v = s.mid(i + 1, 2).toInt(&ok, 16);
                if (ok) {
                    bytes += char(v);
                    i += 2;
                    break;
                }
            }
            bytes += "\\x";
            break;
        case u'u':
            if (i + 4 < s.size()) {
                bool ok = false;
                const int v = s.mid(i + 1, 4).toInt(&ok, 16);
                if (ok) {
                    appendChar(QChar(v));
                    i += 4;
                    break;
                }
            }
            bytes += "\\u";
            break;
        default:
            bytes += '\\';
            appendChar(e);
        }
    }
    return QString::fromUtf8(bytes);
}

QStringList resplitFlattenedReply(const QString &line)
{
    const int code = replyCodeOf(line);
    if (!code || line.size() < 5 || line.at(3) != u'-')
        return { line };
    const QString codeText = QString::number(code);
    QStringList parts;
    qsizetype start = 0;
    qsizetype from = 4;
    while (true) {
        const qsizetype at = line.indexOf(codeText, from);
        if (at < 0)
            break;
        // Glued to the text before it (HTML output) or after a space; followed by '-', ' ' or the end.
        const bool separator = at + 3 == line.size() || line.at(at + 3) == u'-' || line.at(at + 3) == u' ';
        if (separator && at > start) {
            parts.append(line.mid(start, at - start).trimmed());
            start = at;
            if (at + 3 < line.size() && line.at(at + 3) == u' ')
                break; // the final line
        }
        from = at + 3;
    }
    parts.append(line.mid(start).trimmed());
    return parts;
}

Reply replyFromLines(const QStringList &lines, int sourceLine)
{
    // Most log entries hold one plain reply line: read it without the general parser's machinery when
    // ReplyParser::parse() would find exactly that line and nothing to remark (no issue).
    // (One pass for both line breaks: the text is searched on every delivery line.)
    const auto lineBreak = [](QChar c) { return c == u'\n' || c == u'\r'; };
    if (lines.size() == 1 && std::none_of(lines.first().cbegin(), lines.first().cend(), lineBreak)) {
        const ReplyLine line = ReplyParser::parseLine(lines.first());
        const int first = line.code / 100;
        const bool plain = line.hasCode && !line.continues && !line.hashPrefixedStatus && first >= 2 && first <= 5
            && line.code % 100 / 10 <= 5 && (!line.status.isValid() || line.status.statusClass == first);
        if (plain) {
            Reply reply;
            reply.code = line.code;
            reply.status = line.status;
            reply.lines = lines;
            reply.textLines = QStringList { line.text };
            reply.firstLine = reply.lastLine = sourceLine;
            return reply;
        }
    }
    const ReplyParseResult parsed = ReplyParser::parse(lines.join(QLatin1Char('\n')));
    Reply reply;
    if (!parsed.replies.isEmpty()) {
        reply = parsed.replies.first();
        // Everything after the first reply belongs to it too: logs hold one reply per entry.
        for (qsizetype i = 1; i < parsed.replies.size(); ++i) {
            reply.lines += parsed.replies.at(i).lines;
            reply.textLines += parsed.replies.at(i).textLines;
        }
    } else {
        reply.lines = lines;
        reply.textLines = lines;
    }
    reply.firstLine = reply.lastLine = sourceLine;
    for (ReplyIssue &issue : reply.issues)
        issue.line = sourceLine;
    return reply;
}

QList<SourceLine> unwrapEntries(const QList<SourceLine> &lines, const std::function<bool(const SourceLine &)> &isEntry,
    QList<SourceLine> *joined, qsizetype minWrappedLength)
{
    constexpr int kMaxJoined = 8;
    // Most logs have no wrapped entries: then the lines are returned as they are (shared, not copied).
    qsizetype firstJoin = -1;
    bool lastWasEntry = false;
    for (qsizetype i = 0; i < lines.size() && firstJoin < 0; ++i) {
        const SourceLine &l = lines.at(i);
        const bool blank = isBlankLine(l);
        const bool entry = !blank && isEntry(l);
        if (!blank && lastWasEntry && !entry)
            firstJoin = i;
        lastWasEntry = entry && l.text.size() >= minWrappedLength;
    }
    if (firstJoin < 0)
        return lines;
    QList<SourceLine> out;
    out.reserve(lines.size());
    out.append(lines.first(firstJoin));
    bool wrapped = true; // the last physical line was an entry's (or a joined part) and long enough
    int joinedToLast = 0;
    for (qsizetype i = firstJoin; i < lines.size(); ++i) {
        const SourceLine &l = lines.at(i);
        const bool blank = isBlankLine(l);
        if (!blank && wrapped && joinedToLast < kMaxJoined && !isEntry(l)) {
            SourceLine &entry = out.last();
            if (l.text.startsWith(u' '))
                entry.text += QLatin1Char(' ') + l.text.trimmed();
            else
                entry.text += l.text;
            ++joinedToLast;
            joined->append(l);
            wrapped = l.text.size() >= minWrappedLength;
            continue;
        }
        out.append(l);
        wrapped = !blank && isEntry(l) && l.text.size() >= minWrappedLength;
        joinedToLast = 0;
    }
    return out;
}

DirectionTracker::Role DirectionTracker::classify(QStringView text)
{
    if (m_inData) {
        if (text.trimmed() == u".")
            m_inData = false;
        return Role::Body;
    }
    const int code = replyCodeOf(text);
    if (code) {
        m_inData = code == 354;
        m_afterChallenge = code == 334;
        return Role::Server;
    }
    if (m_afterChallenge) {
        m_afterChallenge = false;
        return Role::AuthData;
    }
    return isCommandLine(text) ? Role::Command : Role::Other;
}

ProtocolLine::Kind kindByDirection(DirectionTracker &direction, QStringView text)
{
    switch (direction.classify(text)) {
    case DirectionTracker::Role::Server:
        return ProtocolLine::Kind::Server;
    case DirectionTracker::Role::Command:
    case DirectionTracker::Role::Body:
    case DirectionTracker::Role::AuthData:
        return ProtocolLine::Kind::Client;
    case DirectionTracker::Role::Other:
        break;
    }
    return ProtocolLine::Kind::Unknown;
}

} // namespace smtpscope::core::parsers
