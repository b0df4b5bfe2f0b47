#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

const QRegularExpression &connectedRe()
{
    static const QRegularExpression re(QStringLiteral("^\\s?Connected to (smtps?)://([^/\\s]+)(\\S*)"));
    return re;
}

} // namespace

int MailKitParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression prefixed(QStringLiteral("^[CS]: ?"));
    const int connected = countMatching(sample, connectedRe(), 3);
    const int lines = countMatching(sample, prefixed, 30);
    if (connected > 0)
        return std::min(95, 80 + lines / 3);
    return lines >= 3 ? std::min(75, 55 + lines / 2) : 0;
}

QList<ProtocolLine> MailKitParser::parse(const QList<SourceLine> &lines) const
{
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        if (t.startsWith(u"C:") || t.startsWith(u"S:")) {
            const QString payload = t.size() > 2 && t.at(2) == u' ' ? t.mid(3) : t.mid(2);
            out.append(ProtocolLine::make(t.at(0) == u'C' ? Kind::Client : Kind::Server, src, payload));
            continue;
        }
        const QRegularExpressionMatch m = connectedRe().match(t);
        if (m.hasMatch()) {
            ProtocolLine l = ProtocolLine::makeEvent(Event::Connect, src, t.trimmed());
            l.peer = m.captured(2);
            l.implicitTls = m.captured(1) == u"smtps";
            out.append(l);
            continue;
        }
        out.append(ProtocolLine::make(src.wrapperOnly || t.trimmed().isEmpty() ? Kind::Noise : Kind::Unknown, src, t));
    }
    return out;
}

} // namespace smtpscope::core::parsers
