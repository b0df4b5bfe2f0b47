#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

const QRegularExpression &framing()
{
    static const QRegularExpression re(QStringLiteral("^(Trying .+\\.\\.\\.|Escape character is|CONNECTED\\(|Verify "
                                                      "return code:|Connection closed by foreign host)"));
    return re;
}

} // namespace

int RawParser::score(const QList<SourceLine> &sample) const
{
    int replies = 0;
    int commands = 0;
    for (const SourceLine &l : sample) {
        if (isReplyLine(l.text))
            ++replies;
        else if (isCommandLine(l.text))
            ++commands;
    }
    if (replies == 0)
        return 0;
    if (commands == 0)
        return 3; // a bare reply or two: still readable, as replies to nothing shown
    return std::min(40, 10 + replies + commands + 10 * countMatching(sample, framing(), 2));
}

QList<ProtocolLine> RawParser::parse(const QList<SourceLine> &lines) const
{
    static const QRegularExpression trying(QStringLiteral("^Trying (\\S+?)\\.\\.\\.$"));
    static const QRegularExpression connected(QStringLiteral("^Connected to (\\S+?)\\.?$"));
    static const QRegularExpression cipher(QStringLiteral("^New, (\\S+), Cipher is (\\S+)"));
    static const QRegularExpression sslError(QStringLiteral("^[0-9A-Fa-f]{6,}:error:|^\\d+:error:"));
    static const QRegularExpression opensslChatter(
        QStringLiteral("^(depth=\\d|verify (error|return)|Can't use SSL_get_servername)"));
    static const QRegularExpression elision(QStringLiteral("^\\s*(<[^>]*(elided|snip|omitted|removed|truncated)[^>]*>|"
                                                           "\\[[^\\]]*(elided|snip|omitted|removed|truncated)"
                                                           "[^\\]]*\\]|\\.\\.\\.+|…)\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    // The command line the user ran, pasted with its prompt.
    static const QRegularExpression shellCommand(
        QStringLiteral("^\\S*[$#%>] +(openssl|telnet|nc|ncat|netcat|socat|gnutls-cli|swaks|curl)\\b"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    DirectionTracker direction;
    bool dump = false; // inside an openssl s_client certificate/session dump
    qsizetype tlsEvent = -1;
    bool sawCommand = false;
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        auto emit = [&](Kind kind, const QString &text) { appendLine(out, kind, src, text); };
        auto emitEvent = [&](Event event, const QString &text) {
            out.append(ProtocolLine::makeEvent(event, src, text));
            return &out.last();
        };
        if (src.wrapperOnly) {
            emit(Kind::Noise, t);
            continue;
        }
        if (direction.inData()) {
            emit(kindByDirection(direction, t), t); // the message body, whatever it looks like
            continue;
        }
        if (t.trimmed().isEmpty()) {
            emit(Kind::Noise, t);
            continue;
        }
        QRegularExpressionMatch m;
        if ((m = trying.match(t)).hasMatch()) {
            emitEvent(Event::Connect, t)->peer = m.captured(1);
            continue;
        }
        if ((m = connected.match(t)).hasMatch()) {
            emitEvent(Event::Connect, t)->attach = true;
            continue;
        }
        if (opensslChatter.match(t).hasMatch()) {
            emit(Kind::Noise, t);
            continue;
        }
        if (t.startsWith(u"Escape character is") || t == u"RENEGOTIATING" || t.startsWith(u"read R BLOCK")) {
            emit(Kind::Noise, t);
            dump = false;
            continue;
        }
        if (t.startsWith(u"Connection closed by foreign host") || t == u"DONE") {
            emitEvent(Event::Close, t);
            continue;
        }
        if (t.startsWith(u"CONNECTED(")) {
            emitEvent(Event::Connect, t);
            dump = true;
            continue;
        }
        if ((m = cipher.match(t)).hasMatch()) {
            emitEvent(Event::TlsStarted, m.captured(1) + QLatin1Char(' ') + m.captured(2));
            tlsEvent = out.size() - 1;
            continue;
        }
        if (sslError.match(t).hasMatch()) {
            emitEvent(Event::Error, t);
            continue;
        }
        if (t == u"---" || t.startsWith(u"Post-Handshake New Session Ticket") || t.startsWith(u"SSL-Session:")) {
            emit(Kind::Noise, t);
            dump = true;
            continue;
        }
        if (elision.match(t).hasMatch() || shellCommand.match(t).hasMatch()) {
            emit(Kind::Noise, t); // the person who pasted left something out
            continue;
        }
        const bool protocolShape = isReplyLine(t) || isCommandLine(t);
        if (dump && !protocolShape) {
            emit(Kind::Noise, t);
            continue;
        }
        dump = false;
        // s_client -starttls swallows the greeting and EHLO but prints the last EHLO line: STARTTLS was used.
        if (tlsEvent >= 0 && !sawCommand && isReplyLine(t) && replyCodeOf(t) != 220)
            out[tlsEvent].viaStartTls = true;
        sawCommand = sawCommand || isCommandLine(t);
        emit(kindByDirection(direction, t), t);
    }
    return out;
}

} // namespace smtpscope::core::parsers
