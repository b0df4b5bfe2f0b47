#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/eximcommon.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;

// "2026-11-23 08:53:52 [+0100] [[pid]] 1xVPo8-0005m4-1m <rest>"; Exim 4.97 ids are longer.
const QRegularExpression &entryRe()
{
    static const QRegularExpression re(
        QStringLiteral("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?)(?: [+-]\\d{4})?(?: \\[\\d+\\])? "
                       "(?:([0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}) )?(.*)$"));
    return re;
}

} // namespace

int EximLogParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression signature(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)?( [+-]\\d{4})?( \\[\\d+\\])? "
                       "[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-"
                       "[0-9A-Za-z]{2,4} (<=|=>|->|\\*\\*|==|Completed|Frozen)"));
    const int n = countMatching(sample, signature, 30);
    return n == 0 ? 0 : std::min(90, 70 + n);
}

QList<ProtocolLine> EximLogParser::parse(const QList<SourceLine> &lines) const
{
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    QList<SourceLine> joined;
    const QList<SourceLine> entries = unwrapEntries(
        lines, [](const SourceLine &l) { return entryRe().match(l.text).hasMatch(); }, &joined);
    for (const SourceLine &l : std::as_const(joined))
        out.append(ProtocolLine::make(Kind::Noise, l, l.text)); // a wrapped part of the entry above
    for (const SourceLine &src : entries) {
        const QString &t = src.text;
        const QRegularExpressionMatch m = entryRe().match(t);
        if (!m.hasMatch()) {
            const bool blank = src.wrapperOnly || t.trimmed().isEmpty();
            out.append(ProtocolLine::make(blank ? Kind::Noise : Kind::Unknown, src, t));
            continue;
        }
        SourceLine stamped = src;
        stamped.timestamp = m.captured(1);
        ProtocolLine l;
        if (!m.captured(2).isEmpty() && parseEximDelivery(m.captured(3), stamped, &l)) {
            l.session = m.captured(2); // one session per message id
            out.append(l);
            continue;
        }
        // Arrivals, Completed, Frozen, TLS errors, daemon and queue-runner lines.
        out.append(ProtocolLine::make(Kind::Noise, stamped, t));
    }
    return out;
}

} // namespace smtpscope::core::parsers
