#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/parserutil.h"

#include <QHash>
#include <algorithm>

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

// Exchange writes a session's rows from several threads: in the file they may be out of order. Within each
// session the rows are put in sequence-number order, in the places its rows take (sessions stay interleaved
// as they were); rows with equal numbers (real logs repeat some) keep their file order.
void orderBySequence(QList<ProtocolLine> &rows, const QList<qint64> &sequence)
{
    QHash<QString, QList<qsizetype>> slotsOfSession;
    for (qsizetype i = 0; i < rows.size(); ++i)
        if (sequence.at(i) >= 0)
            slotsOfSession[rows.at(i).session].append(i);
    for (const QList<qsizetype> &slots : std::as_const(slotsOfSession)) {
        const bool ordered = std::is_sorted(
            slots.cbegin(), slots.cend(), [&](qsizetype a, qsizetype b) { return sequence.at(a) < sequence.at(b); });
        if (ordered)
            continue;
        QList<qsizetype> bySequence = slots;
        std::stable_sort(bySequence.begin(), bySequence.end(),
            [&](qsizetype a, qsizetype b) { return sequence.at(a) < sequence.at(b); });
        QList<ProtocolLine> sorted;
        sorted.reserve(bySequence.size());
        for (qsizetype i : std::as_const(bySequence))
            sorted.append(rows.at(i));
        for (qsizetype k = 0; k < slots.size(); ++k)
            rows[slots.at(k)] = std::move(sorted[k]);
    }
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
    QList<qint64> sequence; // each row's sequence-number, -1 for other lines
    sequence.reserve(lines.size());
    bool sendLog = false;
    for (const SourceLine &src : lines) {
        const QString &t = src.text;
        if (t.startsWith(u'#')) {
            if (t.contains(u"SMTP Send Protocol Log"))
                sendLog = true;
            out.append(ProtocolLine::make(Kind::Noise, src, t));
            sequence.append(-1);
            continue;
        }
        if (!rowRe().match(t).hasMatch()) {
            out.append(ProtocolLine::make(isBlankLine(src) ? Kind::Noise : Kind::Unknown, src, t));
            sequence.append(-1);
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
        sequence.append(f.value(3).toLongLong());
    }
    orderBySequence(out, sequence);
    return out;
}

} // namespace smtpscope::core::parsers
