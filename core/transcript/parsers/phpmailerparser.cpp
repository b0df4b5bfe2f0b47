#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

const QRegularExpression &directionRe()
{
    static const QRegularExpression re(QStringLiteral("(CLIENT -> SERVER|SERVER -> CLIENT):(.*)$"));
    return re;
}

// What the previous timestamped message was: indented lines continue it.
enum class Block { None, Server, Noise, Client };

QString cleanPayload(QString p)
{
    // error_log / closure output: literal "\r\n" and Apache's ", referer: …" suffix.
    static const QRegularExpression referer(QStringLiteral(", referer: \\S+$"));
    p.remove(referer);
    while (p.endsWith(u"\\r\\n") || p.endsWith(u"\\n"))
        p.chop(p.endsWith(u"\\r\\n") ? 4 : 2);
    return p;
}

} // namespace

int PhpMailerParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression legacy(QStringLiteral("SMTP -> (FROM SERVER|ERROR):"));
    const int n = countMatching(sample, directionRe(), 20) + countMatching(sample, legacy, 20);
    return n == 0 ? 0 : std::min(95, 75 + n);
}

QList<ProtocolLine> PhpMailerParser::parse(const QList<SourceLine> &lines) const
{
    static const QRegularExpression stamp(QStringLiteral("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d)\\s*"));
    static const QRegularExpression opening(QStringLiteral("Connection: opening to (?:(ssl|tls)://)?([^\\s,]+)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression legacyServer(QStringLiteral("SMTP -> FROM SERVER:\\s?(.*)$"));
    static const QRegularExpression chatter(QStringLiteral(
        "(SMTP ERROR: |SMTP Error: |SMTP -> ERROR:|SMTP -> get_lines\\(\\)|SMTP INBOUND: |SMTP NOTICE: |"
        "Auth method requested: |Auth methods available|Requested auth method not available|Auth method selected|"
        "SMTP Debug|Connection: opened|Invalid address|Message could not be sent|Mailer Error|Message has been sent|"
        "Message sent!|SMTP connect\\(\\) failed|SMTP server error|Sending with mail\\(\\))"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    Block block = Block::None;
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        auto emit = [&](Kind kind, const QString &text, const QString &timestamp = QString()) {
            return appendLine(out, kind, src, text, timestamp);
        };
        if (isBlankLine(src)) {
            emit(Kind::Noise, t);
            if (block == Block::Noise)
                block = Block::None;
            continue;
        }
        const QRegularExpressionMatch st = stamp.match(t);
        const QString timestamp = st.hasMatch() ? st.captured(1) : QString();
        const QString rest = st.hasMatch() ? t.mid(st.capturedLength()) : t;
        QRegularExpressionMatch m = directionRe().match(rest);
        if (m.hasMatch() && !chatter.match(rest.left(m.capturedStart())).hasMatch()) {
            const QString payload = cleanPayload(m.captured(2).startsWith(u' ') ? m.captured(2).mid(1) : m.captured(2));
            if (m.captured(1).startsWith(u"CLIENT")) {
                emit(Kind::Client, payload, timestamp);
                block = Block::Client;
            } else {
                // The html mode deletes CR/LF inside multi-line replies: split them again.
                for (const QString &part : resplitFlattenedReply(payload))
                    emit(Kind::Server, part, timestamp);
                block = Block::Server;
            }
            continue;
        }
        if ((m = legacyServer.match(rest)).hasMatch()) {
            for (const QString &part : resplitFlattenedReply(cleanPayload(m.captured(1))))
                emit(Kind::Server, part, timestamp);
            block = Block::Server;
            continue;
        }
        if ((m = opening.match(rest)).hasMatch()) {
            ProtocolLine *l = emit(Kind::Event, rest, timestamp);
            l->event = Event::Connect;
            l->peer = m.captured(2);
            l->implicitTls = m.captured(1).compare(u"ssl", Qt::CaseInsensitive) == 0 || m.captured(2).endsWith(u":465");
            block = Block::Noise; // the var_export of the options follows, indented
            continue;
        }
        if (rest.startsWith(u"Connection: closed")) {
            emit(Kind::Event, rest, timestamp)->event = Event::Close;
            block = Block::Noise;
            continue;
        }
        if (rest.startsWith(u"Connection failed")) {
            emit(Kind::Event, rest, timestamp)->event = Event::Error;
            block = Block::Noise;
            continue;
        }
        if (chatter.match(rest).hasMatch()) {
            emit(Kind::Noise, t);
            block = Block::Noise;
            continue;
        }
        if (t.startsWith(u' ') && !st.hasMatch()) {
            // A continuation line, indented to the message column.
            if (block == Block::Server)
                emit(Kind::Server, cleanPayload(t.trimmed()));
            else if (block == Block::Noise)
                emit(Kind::Noise, t);
            else
                emit(Kind::Unknown, t);
            continue;
        }
        // An application's own message ends the block; its unindented follow-on lines stay with it.
        emit(block == Block::Noise && !st.hasMatch() ? Kind::Noise : Kind::Unknown, t);
    }
    return out;
}

} // namespace smtpscope::core::parsers
