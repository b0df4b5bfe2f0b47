#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/eximcommon.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

const QRegularExpression &smtpRe()
{
    // "  SMTP<< 250 …", "  SMTP>> EHLO", "  SMTP|> RCPT" (pipelined), "  SMTP+> BDAT 360 LAST" (more to follow)
    static const QRegularExpression re(QStringLiteral("^\\s+SMTP(<<|>>|\\|>|\\+>) ?(.*)$"));
    return re;
}

} // namespace

int EximDebugParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression cmdlog(QStringLiteral("^cmdlog: '"));
    const int n = countMatching(sample, smtpRe(), 30) + 5 * countMatching(sample, cmdlog, 2);
    return n < 2 ? 0 : std::min(95, 80 + n / 2);
}

QList<ProtocolLine> EximDebugParser::parse(const QList<SourceLine> &lines) const
{
    static const QRegularExpression connecting(QStringLiteral("^Connecting to (\\S+) \\[([^\\]]+)\\]:(\\d+)"));
    static const QRegularExpression continuation(QStringLiteral("^ {5,}(\\d{3}[ -].*|\\d{3})$"));
    static const QRegularExpression close(QStringLiteral("^\\s+SMTP\\(close\\)>>"));
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    bool inReply = false; // the last SMTP line was a server line: indented reply lines continue it
    bool logEntry = false; // the line after "LOG: MAIN" is a mainlog entry
    QString session = QStringLiteral("1");
    int connections = 0;
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        auto emit = [&](Kind kind, const QString &text) {
            ProtocolLine l = ProtocolLine::make(kind, src, text);
            l.session = session;
            out.append(l);
            return &out.last();
        };
        QRegularExpressionMatch m;
        if (logEntry) {
            logEntry = false;
            ProtocolLine l;
            if (parseEximDelivery(t.trimmed(), src, &l)) {
                l.session = session;
                l.outcomeStep = false; // the conversation shows the reply
                out.append(l);
                continue;
            }
            emit(Kind::Noise, t);
            continue;
        }
        if ((m = smtpRe().match(t)).hasMatch()) {
            const QString dir = m.captured(1);
            const QString payload = m.captured(2);
            inReply = dir == u"<<";
            if (inReply)
                emit(Kind::Server, payload);
            else if ((payload.startsWith(u'(') && payload.endsWith(u')')) || payload.startsWith(u"writing message"))
                emit(Kind::Noise, t); // "(writing message)": the body is not shown
            else
                emit(Kind::Client, payload);
            continue;
        }
        if (inReply && (m = continuation.match(t)).hasMatch()) {
            emit(Kind::Server, m.captured(1));
            continue;
        }
        if ((m = connecting.match(t)).hasMatch()) {
            session = QString::number(++connections);
            ProtocolLine *l = emit(Kind::Event, t.trimmed());
            l->event = Event::Connect;
            l->peer = m.captured(1) + QLatin1Char(':') + m.captured(3);
            inReply = false;
            continue;
        }
        if (close.match(t).hasMatch()) {
            emit(Kind::Event, t.trimmed())->event = Event::Close;
            inReply = false;
            continue;
        }
        if (t.startsWith(u"LOG: ")) {
            logEntry = true;
            emit(Kind::Noise, t);
            continue;
        }
        // -d chatter ("read response data: size=19") may sit between the lines of one reply: keep inReply.
        if (!t.startsWith(u"read response data") && !t.startsWith(u"  SMTP("))
            inReply = inReply && t.trimmed().isEmpty();
        emit(Kind::Noise, t);
    }
    return out;
}

} // namespace smtpscope::core::parsers
