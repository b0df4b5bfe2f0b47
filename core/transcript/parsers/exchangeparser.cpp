#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

const QRegularExpression &rowRe()
{
    static const QRegularExpression re(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z,[^,]*,[0-9A-Fa-f]{16},\\d+,[^,]*,[^,]*,[+\\-<>*],"));
    return re;
}

// W3C-style CSV: fields with commas are quoted, quotes doubled.
QStringList csvFields(const QString &line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c == u'"' && i + 1 < line.size() && line.at(i + 1) == u'"') {
                field += c;
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            fields.append(field);
            field.clear();
        } else {
            field += c;
        }
    }
    fields.append(field);
    return fields;
}

} // namespace

int ExchangeParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression header(
        QStringLiteral("^#(Software: Microsoft Exchange|Log-type: SMTP (Receive|Send) Protocol Log|Fields: "
                       "date-time,connector-id,session-id)"));
    const int n = countMatching(sample, rowRe(), 30) + 10 * countMatching(sample, header, 3);
    return n == 0 ? 0 : std::min(95, 75 + n);
}

QList<ProtocolLine> ExchangeParser::parse(const QList<SourceLine> &lines) const
{
    QList<ProtocolLine> out;
    out.reserve(lines.size());
    bool sendLog = false;
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        if (t.startsWith(u'#')) {
            if (t.contains(u"SMTP Send Protocol Log"))
                sendLog = true;
            out.append(ProtocolLine::make(Kind::Noise, src, t));
            continue;
        }
        if (!rowRe().match(t).hasMatch()) {
            const bool blank = src.wrapperOnly || t.trimmed().isEmpty();
            out.append(ProtocolLine::make(blank ? Kind::Noise : Kind::Unknown, src, t));
            continue;
        }
        const QStringList f = csvFields(t);
        const QString data = f.value(7);
        const QString context = f.value(8);
        const QString event = f.value(6);
        ProtocolLine l = ProtocolLine::make(Kind::Noise, src, data);
        l.timestamp = f.value(0);
        l.session = f.value(2);
        if (event == u"+") {
            l.kind = Kind::Event;
            l.event = Event::Connect;
            l.text = QStringLiteral("%1 -> %2").arg(f.value(5), f.value(4));
            l.peer = sendLog ? f.value(5) : f.value(4);
        } else if (event == u"-") {
            l.kind = Kind::Event;
            l.event = Event::Close;
            l.text = context.isEmpty() ? data : context;
        } else if (event == u">" || event == u"<") {
            // Receive logs: ">" is the server (this Exchange); Send logs: "<" is. The reply shape decides.
            const bool serverLine = isReplyLine(data) || (sendLog ? event == u"<" : event == u">");
            l.kind = serverLine ? Kind::Server : Kind::Client;
        } else if (event == u"*") {
            const QString info = data.isEmpty() ? context : data;
            if (info.contains(u"TLS") && (info.contains(u"succeeded") || info.contains(u"negotiation"))) {
                l.kind = Kind::Event;
                l.event = Event::TlsStarted;
                l.text = info;
            }
        }
        out.append(l);
    }
    return out;
}

} // namespace smtpscope::core::parsers
