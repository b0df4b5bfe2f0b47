#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

// Go's log format: "2026/11/23 08:59:02 DEBUG: C --> S: EHLO x".
const QRegularExpression &lineRe()
{
    static const QRegularExpression re(QStringLiteral("^(\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?) "
                                                      "?(DEBUG|ERROR| ?WARN| ?INFO): (?:(C --> S|C <-- S): ?)?(.*)$"));
    return re;
}

} // namespace

int GoMailParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression signature(QStringLiteral("DEBUG: C (-->|<--) S: "));
    const int n = countMatching(sample, signature, 30);
    return n == 0 ? 0 : std::min(95, 80 + n / 2);
}

QList<ProtocolLine> GoMailParser::parse(const QList<SourceLine> &lines) const
{
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    enum class Last { None, Server, Noise } last = Last::None;
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        const QRegularExpressionMatch m = lineRe().match(t);
        if (!m.hasMatch()) {
            // The application's "send failed: …" message and its continuation lines.
            const bool appMessage = t.contains(u"failed: ") || t.startsWith(u"error: ");
            if (appMessage)
                last = Last::Noise;
            // net/textproto joins a multi-line reply and drops the codes of its continuation lines.
            if (last == Last::Server && !t.trimmed().isEmpty()) {
                ProtocolLine l = ProtocolLine::make(Kind::Server, src, t);
                l.continuation = true;
                out.append(l);
                continue;
            }
            const bool known = src.wrapperOnly || t.trimmed().isEmpty() || appMessage || last == Last::Noise;
            out.append(ProtocolLine::make(known ? Kind::Noise : Kind::Unknown, src, t));
            if (t.trimmed().isEmpty())
                last = Last::None;
            continue;
        }
        ProtocolLine l;
        if (m.captured(3) == u"C --> S") {
            l = ProtocolLine::make(Kind::Client, src, m.captured(4));
            last = Last::None;
        } else if (m.captured(3) == u"C <-- S") {
            l = ProtocolLine::make(Kind::Server, src, m.captured(4));
            last = Last::Server;
        } else if (m.captured(2) == u"ERROR") {
            l = ProtocolLine::makeEvent(Event::Error, src, m.captured(4));
            last = Last::Noise;
        } else {
            l = ProtocolLine::make(Kind::Noise, src, t);
            last = Last::Noise;
        }
        l.timestamp = m.captured(1);
        out.append(l);
    }
    return out;
}

} // namespace smtpscope::core::parsers
