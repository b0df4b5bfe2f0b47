#include "transcript/parsers/postfixcommon.h"

namespace smtpscope::core::parsers {

namespace {

bool asciiDigit(QChar c)
{
    return c.unicode() >= u'0' && c.unicode() <= u'9';
}

bool asciiWord(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') || u == u'_';
}

bool hexUpper(QChar c)
{
    return asciiDigit(c) || (c.unicode() >= u'A' && c.unicode() <= u'F');
}

// enable_long_queue_ids: digits and letters without vowels.
bool longQueueChar(QChar c)
{
    const char16_t u = c.unicode();
    if (asciiDigit(c))
        return true;
    if (u >= u'A' && u <= u'Z')
        return u != u'A' && u != u'E' && u != u'I' && u != u'O' && u != u'U';
    if (u >= u'a' && u <= u'z')
        return u != u'a' && u != u'e' && u != u'i' && u != u'o' && u != u'u';
    return false;
}

bool isQueueId(QStringView id)
{
    if (id.size() >= 6 && id.size() <= 12 && std::all_of(id.begin(), id.end(), hexUpper))
        return true;
    return id.size() >= 10 && id.size() <= 16 && std::all_of(id.begin(), id.end(), longQueueChar);
}

// "postfix[-x](/component)*/daemon[pid]: " starting at @p at (just after "postfix"); the length of
// what was matched up to "]: " inclusive, or 0.
qsizetype matchProgram(QStringView t, qsizetype at, QStringView *daemon, QStringView *pid)
{
    qsizetype i = at;
    const char16_t *d = t.utf16();
    while (i < t.size() && (asciiWord(QChar(d[i])) || d[i] == u'-'))
        ++i;
    // Components "/[\w.-]+"; the one followed by '[' is the daemon ("[\w-]+").
    while (true) {
        if (i >= t.size() || t.at(i) != u'/')
            return 0;
        const qsizetype start = ++i;
        bool dot = false;
        while (i < t.size() && (asciiWord(t.at(i)) || t.at(i) == u'-' || t.at(i) == u'.')) {
            dot = dot || t.at(i) == u'.';
            ++i;
        }
        if (i == start)
            return 0;
        if (i < t.size() && t.at(i) == u'[') {
            if (dot)
                return 0;
            *daemon = t.mid(start, i - start);
            break;
        }
    }
    const qsizetype pidStart = ++i;
    while (i < t.size() && asciiDigit(t.at(i)))
        ++i;
    if (i == pidStart || !startsWithLiteral(t.mid(i), u"]: "))
        return 0;
    *pid = t.mid(pidStart, i - pidStart);
    return i + 3;
}

// "dsn=X.Y.Z, " right before @p end; the dsn or an empty view.
QStringView dsnBefore(QStringView t, qsizetype end)
{
    if (end < 2 || t.at(end - 2) != u',' || t.at(end - 1) != u' ')
        return {};
    for (qsizetype length = 15; length >= 11; --length) {
        const qsizetype start = end - length;
        if (start < 0 || t.at(start) != u'd' || !startsWithLiteral(t.mid(start), u"dsn="))
            continue;
        const QStringView code = t.mid(start + 4, length - 6);
        // \d\.\d{1,3}\.\d{1,3}
        if (code.size() < 5 || !asciiDigit(code.at(0)) || code.at(1) != u'.')
            continue;
        const QStringView rest = code.mid(2);
        const qsizetype dot = indexOfChar(rest, u'.');
        if (dot < 1 || dot > 3 || rest.size() - dot - 1 < 1 || rest.size() - dot - 1 > 3)
            continue;
        if (std::all_of(rest.begin(), rest.begin() + dot, asciiDigit)
            && std::all_of(rest.begin() + dot + 1, rest.end(), asciiDigit))
            return code;
    }
    return {};
}

// t.indexOf(u"status=", from), without the set-up cost of a general substring search on every line.
qsizetype findStatus(QStringView t, qsizetype from)
{
    constexpr QStringView needle = u"status=";
    for (qsizetype at = std::max<qsizetype>(from, 0); at + needle.size() <= t.size(); ++at)
        if (t.at(at) == u's' && t.mid(at, needle.size()) == needle)
            return at;
    return -1;
}

struct DeliveryFields
{
    QStringView recipient;
    QStringView relay;
    QStringView dsn;
    QStringView status;
    QStringView detail;
};

// "to=<a>,[ orig_to=<b>,] relay=r, … [dsn=X.Y.Z, ]status=word[ (detail)]"
bool parseDeliveryFields(QStringView t, DeliveryFields *f)
{
    if (!startsWithLiteral(t, u"to=<"))
        return false;
    const qsizetype gt = indexOfChar(t, u'>', 4);
    if (gt < 0 || gt + 1 >= t.size() || t.at(gt + 1) != u',')
        return false;
    f->recipient = t.mid(4, gt - 4);
    qsizetype i = gt + 2;
    if (startsWithLiteral(t.mid(i), u" orig_to=<")) {
        const qsizetype ogt = indexOfChar(t, u'>', i + 10);
        if (ogt >= 0 && ogt + 1 < t.size() && t.at(ogt + 1) == u',')
            i = ogt + 2;
    }
    if (!startsWithLiteral(t.mid(i), u" relay="))
        return false;
    i += 7;
    const qsizetype comma = indexOfChar(t, u',', i);
    if (comma < 0)
        return false;
    f->relay = t.mid(i, comma - i);
    for (qsizetype at = findStatus(t, comma + 1); at >= 0; at = findStatus(t, at + 1)) {
        qsizetype end = at + 7;
        while (end < t.size() && asciiWord(t.at(end)))
            ++end;
        if (end == at + 7)
            continue;
        if (end == t.size()) {
            f->detail = {};
        } else if (startsWithLiteral(t.mid(end), u" (") && t.endsWith(u')')) {
            f->detail = t.mid(end + 2, t.size() - end - 3);
        } else {
            continue;
        }
        f->status = t.mid(at + 7, end - at - 7);
        f->dsn = dsnBefore(t, at);
        return true;
    }
    return false;
}

// "host H said: text[ (in reply to CMD command)]"
bool parseSaid(QStringView t, QStringView *host, QStringView *text, QStringView *command)
{
    if (!startsWithLiteral(t, u"host "))
        return false;
    const qsizetype space = indexOfChar(t, u' ', 5);
    if (space <= 5 || !startsWithLiteral(t.mid(space), u" said: "))
        return false;
    *host = t.mid(5, space - 5);
    QStringView said = t.mid(space + 7);
    *command = {};
    constexpr QStringView open = u" (in reply to ";
    constexpr QStringView close = u" command)";
    if (said.endsWith(close)) {
        const qsizetype at = indexOfLiteral(said, u" (in reply to ");
        if (at >= 0 && at + open.size() <= said.size() - close.size()) {
            *command = said.mid(at + open.size(), said.size() - close.size() - at - open.size());
            said = said.first(at);
        }
    }
    *text = said;
    return true;
}

// "host H refused to talk to me: text"
bool parseRefused(QStringView t, QStringView *host, QStringView *text)
{
    if (!startsWithLiteral(t, u"host "))
        return false;
    const qsizetype space = indexOfChar(t, u' ', 5);
    constexpr QStringView refused = u" refused to talk to me: ";
    if (space <= 5 || !t.mid(space).startsWith(refused))
        return false;
    *host = t.mid(5, space - 5);
    *text = t.mid(space + refused.size());
    return true;
}

QString hostName(QStringView hostAndAddress)
{
    // "mx.example.com[192.0.2.1]:25": the host name is what provider rules match.
    const qsizetype bracket = indexOfChar(hostAndAddress, u'[');
    return (bracket < 0 ? hostAndAddress : hostAndAddress.first(bracket)).toString();
}

} // namespace

PostfixLine parsePostfixLine(QStringView text)
{
    PostfixLine p;
    // After a stripped syslog prefix the program comes first: no search for it then.
    const qsizetype first = startsWithLiteral(text, u"postfix") ? 0 : indexOfLiteral(text, u"postfix");
    for (qsizetype at = first; at >= 0; at = indexOfLiteral(text, u"postfix", at + 1)) {
        if (at > 0 && !text.at(at - 1).isSpace())
            continue;
        const qsizetype end = matchProgram(text, at + 7, &p.daemon, &p.pid);
        if (end == 0)
            continue;
        p.ok = true;
        p.rest = text.mid(end);
        // p.rest.left(17).indexOf(u": "), by hand: it runs on every line.
        qsizetype colon = -1;
        for (qsizetype i = 0; i + 1 < std::min<qsizetype>(p.rest.size(), 17); ++i)
            if (p.rest.at(i) == u':' && p.rest.at(i + 1) == u' ') {
                colon = i;
                break;
            }
        if (colon > 0 && isQueueId(p.rest.first(colon))) {
            p.queueId = p.rest.first(colon);
            p.rest = p.rest.mid(colon + 2);
        }
        return p;
    }
    return p;
}

bool parsePostfixTls(
    QStringView rest, const SourceLineView &src, const QString &timestamp, ProtocolLine *out, QString *peer)
{
    // (The literal first: the expression then runs only on the one TLS line of a session.)
    if (indexOfLiteral(rest, u" TLS connection established to ") < 0)
        return false;
    static const QRegularExpression tls(
        QStringLiteral("^(?:Untrusted|Trusted|Verified|Anonymous) TLS connection established to (\\S+?): (.*)$"));
    const QRegularExpressionMatch m = tls.match(rest);
    if (!m.hasMatch())
        return false;
    *out = ProtocolLine::makeEvent(ProtocolLine::Event::TlsStarted, src, m.capturedView(2), timestamp);
    if (peer)
        *peer = m.captured(1);
    return true;
}

bool parsePostfixDelivery(const PostfixLine &p, const SourceLineView &src, ProtocolLine *out, const QString &timestamp)
{
    // The parts are found first: *out is written (in place, as the stream reuses its line) only for a delivery.
    DeliveryFields d;
    const bool delivery = parseDeliveryFields(p.rest, &d);
    const QStringView detail = delivery ? d.detail : p.rest;
    QStringView host;
    QStringView command;
    QStringView replyText;
    const bool said = parseSaid(detail, &host, &replyText, &command);
    const bool refused = !said && parseRefused(detail, &host, &replyText);
    if (!said && !refused && !delivery)
        return false;
    ProtocolLine &l = *out;
    l.reset(ProtocolLine::Kind::Outcome, src.number, timestamp, p.rest);
    QStringView status;
    QStringView word;
    if (delivery) {
        l.outcome.recipient = d.recipient.toString();
        l.server = d.relay == QLatin1StringView("none") ? QString() : hostName(d.relay);
        status = d.dsn;
        word = d.status;
    }
    if (said) {
        if (l.server.isEmpty())
            l.server = hostName(host);
        l.command = command.toString();
    } else if (refused) {
        if (l.server.isEmpty())
            l.server = hostName(host);
        l.command = QStringLiteral("greeting");
    } else {
        replyText = detail;
    }
    if (startsWithNoCase(l.command, QLatin1StringView("RCPT TO")) && !l.outcome.recipient.isEmpty())
        l.command = QStringLiteral("RCPT TO:<") + l.outcome.recipient + QLatin1Char('>');

    l.outcome.reply = replyFromLines(resplitFlattenedReply(replyText.toString()), src.number);
    if (!l.outcome.reply.status.isValid() && !status.isEmpty())
        l.outcome.reply.status = EnhancedStatus::fromString(status.toString()); // Postfix's own dsn=
    using K = RecipientOutcome::Kind;
    const QString &cmd = l.command;
    if (word == QLatin1StringView("sent") || word == QLatin1StringView("delivered"))
        l.outcome.kind = K::Accepted;
    else if (word == QLatin1StringView("deferred"))
        l.outcome.kind = K::Deferred;
    else if (startsWithNoCase(cmd, QLatin1StringView("RCPT")))
        l.outcome.kind = K::RejectedAtRcpt;
    else if (containsNoCase(cmd, QLatin1StringView("DATA")))
        l.outcome.kind = K::RejectedAfterData;
    else if (word.isEmpty() && l.outcome.reply.replyClass() == 4)
        l.outcome.kind = K::Deferred;
    else
        l.outcome.kind = K::Rejected;
    l.session = p.queueId.toString();
    return true;
}

} // namespace smtpscope::core::parsers
