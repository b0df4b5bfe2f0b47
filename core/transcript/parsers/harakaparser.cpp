#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

// "[PROTOCOL] [UUID.1] [core] C: RCPT TO:<…> state=1", optionally behind "haraka[pid]: ".
const QRegularExpression &lineRe()
{
    static const QRegularExpression re(
        QStringLiteral("^(?:\\S+\\[\\d+\\]: )?\\[(PROTOCOL|DATA|DEBUG|INFO|NOTICE|WARN|ERROR|CRIT|EMERG|ALERT)\\] "
                       "(?:\\[([0-9A-Fa-f-]{36})(?:\\.\\d+)*\\] )?(?:\\[([\\w/-]+)\\] )?(.*)$"));
    return re;
}

} // namespace

int HarakaParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression signature(
        QStringLiteral("\\[(PROTOCOL|NOTICE|INFO|DEBUG|DATA|WARN|ERROR)\\] \\[[0-9A-Fa-f]{8}-[0-9A-Fa-f-]{27}"));
    const int n = countMatching(sample, signature, 30);
    return n == 0 ? 0 : std::min(90, 70 + n);
}

QList<ProtocolLine> HarakaParser::parse(const QList<SourceLine> &lines) const
{
    static const QRegularExpression state(QStringLiteral(" state=\\d+$"));
    static const QRegularExpression rejected(QStringLiteral("^recipient <?([^>\\s]+)>? (rejected|deferred): (.*)$"));
    // Logs read in a terminal and copied from it come hard-wrapped at its width: the rest of a long line
    // continues on lines without the "[LEVEL] [uuid]" prefix. Only a line that filled a row can wrap (a
    // narrow terminal has 40 columns left after a syslog prefix); other programs' syslog lines never continue.
    constexpr qsizetype kMinTerminalWidth = 40;
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    QList<SourceLine> joined;
    const QList<SourceLine> entries = unwrapEntries(
        lines, [](const SourceLine &l) { return !l.host.isEmpty() || lineRe().match(l.text).hasMatch(); }, &joined,
        kMinTerminalWidth);
    for (const SourceLine &l : std::as_const(joined))
        out.append(ProtocolLine::make(Kind::Noise, l, l.text)); // a wrapped part of the entry above
    for (const SourceLine &src : entries) {
        const QString &t = src.text;
        const QRegularExpressionMatch m = lineRe().match(t);
        if (std::optional<ProtocolLine> other = nonEntryLine(src, m.hasMatch())) {
            out.append(std::move(*other));
            continue;
        }
        QString payload = m.captured(4);
        auto emit = [&](Kind kind, const QString &text) {
            ProtocolLine l = ProtocolLine::make(kind, src, text);
            l.session = m.captured(2);
            out.append(l);
            return &out.last();
        };
        // Terminal-wrapped or literal "\r" endings from the DATA log.
        while (payload.endsWith(u"\\r") || payload.endsWith(u"\\n"))
            payload.chop(2);
        if (payload.startsWith(u"C: ") || payload == u"C:") {
            payload = payload.mid(3);
            payload.remove(state);
            emit(m.captured(1) == u"DATA" ? Kind::Data : Kind::Client, payload);
            continue;
        }
        if (payload.startsWith(u"S: ") || payload == u"S:") {
            emit(Kind::Server, payload.mid(3));
            continue;
        }
        const QRegularExpressionMatch r = rejected.match(payload);
        if (r.hasMatch()) {
            ProtocolLine *l = emit(Kind::Outcome, payload);
            l->outcome.recipient = r.captured(1);
            l->outcome.reply = replyFromLines(resplitFlattenedReply(r.captured(3)), src.number);
            l->outcome.kind = r.captured(2) == u"deferred" || l->outcome.reply.replyClass() == 4
                ? RecipientOutcome::Kind::Deferred
                : RecipientOutcome::Kind::RejectedAtRcpt;
            l->command = QStringLiteral("RCPT TO:<") + r.captured(1) + QLatin1Char('>');
            continue;
        }
        if (payload.startsWith(u"connect ip=") || payload.startsWith(u"Connected to"))
            emit(Kind::Event, payload)->event = Event::Connect;
        else if (payload.startsWith(u"disconnect ip="))
            emit(Kind::Event, payload)->event = Event::Close;
        else
            emit(Kind::Noise, t); // plugin results, transaction summaries
    }
    return out;
}

} // namespace smtpscope::core::parsers
