#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

// "[2026-11-23 08:51:59] DEBUG [KQ4gFm2KOjI] S: 220 …"; pooled transports add "[#1]".
const QRegularExpression &lineRe()
{
    static const QRegularExpression re(QStringLiteral(
        "^\\[(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d)\\] (TRACE|DEBUG|INFO |WARN |ERROR|FATAL|INFO|WARN) ?"
        "((?:\\[[#\\w-]+\\] )*)(.*)$"));
    return re;
}

} // namespace

int NodemailerParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression conversation(
        QStringLiteral("^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\] (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) "
                       "(\\[[#\\w-]+\\] )*[SC]: "));
    static const QRegularExpression transport(QStringLiteral("Creating transport: nodemailer \\("));
    const int n = countMatching(sample, conversation, 30) + 10 * countMatching(sample, transport, 1);
    return n < 2 ? 0 : std::min(95, 75 + n / 2);
}

QList<ProtocolLine> NodemailerParser::parse(const QList<SourceLine> &lines) const
{
    static const QRegularExpression established(QStringLiteral("^Connection established to (\\S+)"));
    static const QRegularExpression secure(QStringLiteral("^Secure connection established to (\\S+)"));
    static const QRegularExpression messageSent(QStringLiteral("^(Message sent: |Error: |\\s+at |\\{|\\}|\\s+\\w+: )"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    bool inData = false;
    QString lastCid;
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        const QRegularExpressionMatch m = lineRe().match(t);
        if (!m.hasMatch()) {
            // The application's own console output (the send result, an error dump).
            const bool known = src.wrapperOnly || t.trimmed().isEmpty() || messageSent.match(t).hasMatch();
            out.append(ProtocolLine::make(known ? Kind::Noise : Kind::Unknown, src, t));
            continue;
        }
        const QString ids = m.captured(3);
        const QString payload = m.captured(4);
        // The first [id] is the connection; [#n] pool ids are not.
        static const QRegularExpression cidRe(QStringLiteral("\\[([\\w-]+)\\]"));
        QString cid = cidRe.match(ids).captured(1);
        if (cid.isEmpty())
            cid = lastCid; // transport-level lines belong to the connection in use
        lastCid = cid;
        auto emit = [&](Kind kind, const QString &text) {
            ProtocolLine l = ProtocolLine::make(kind, src, text);
            l.timestamp = m.captured(1);
            l.session = cid;
            out.append(l);
            return &out.last();
        };
        if (payload.startsWith(u"S: ") || payload == u"S:") {
            const QString reply = payload.mid(3);
            emit(Kind::Server, reply);
            inData = replyCodeOf(reply) == 354;
            continue;
        }
        if (payload.startsWith(u"C: ") || payload == u"C:") {
            emit(Kind::Client, payload.mid(3));
            continue;
        }
        if (inData) {
            // Body lines are logged without "C: "; the lone "." ends them.
            if (payload.startsWith(u'<') && payload.contains(u"bytes encoded mime message")) {
                emit(Kind::Noise, t);
                continue;
            }
            emit(Kind::Data, payload);
            if (payload == u".")
                inData = false;
            continue;
        }
        QRegularExpressionMatch e;
        if ((e = established.match(payload)).hasMatch()) {
            emit(Kind::Event, payload)->event = Event::Connect;
            out.last().peer = e.captured(1);
        } else if ((e = secure.match(payload)).hasMatch()) {
            ProtocolLine *l = emit(Kind::Event, payload);
            l->event = Event::Connect;
            l->peer = e.captured(1);
            l->implicitTls = true;
        } else if (payload.startsWith(u"Connection upgraded with STARTTLS")) {
            emit(Kind::Event, QString())->event = Event::TlsStarted;
        } else if (payload.startsWith(u"Connection closed")) {
            emit(Kind::Event, payload)->event = Event::Close;
        } else if (m.captured(2).startsWith(u"ERROR") || m.captured(2).startsWith(u"FATAL")) {
            emit(Kind::Event, payload)->event = Event::Error;
        } else {
            emit(Kind::Noise, t); // transport setup, DNS, "SMTP handshake finished", "User … authenticated"
        }
    }
    return out;
}

} // namespace smtpscope::core::parsers
