#include "transcript/transcriptjson.h"
#include "util/domain.h"
#include "util/jsonstring.h"

#include <QJsonArray>

#include <algorithm>

namespace smtpscope::core {

namespace {

QJsonValue nullable(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonValue replyJson(const Step &step)
{
    if (!step.hasReply())
        return QJsonValue(QJsonValue::Null);
    const Reply &r = step.reply;
    return QJsonObject {
        { QStringLiteral("code"), r.code ? QJsonValue(r.code) : QJsonValue(QJsonValue::Null) },
        { QStringLiteral("status"), nullable(r.status.toString()) },
        { QStringLiteral("text"), r.text() },
    };
}

QJsonObject sessionJson(const Session &s, const ReplyDecoder *decoder)
{
    QJsonArray steps;
    for (const Step &step : s.steps)
        steps.append(QJsonObject {
            { QStringLiteral("kind"), stepKindName(step.kind) },
            { QStringLiteral("command"), step.command() },
            { QStringLiteral("reply"), replyJson(step) },
            { QStringLiteral("phase"), phaseName(step.phase) },
            { QStringLiteral("lines"), QJsonArray { step.firstLine, step.lastLine } },
        });
    QJsonArray findings;
    for (const Finding &f : s.findings)
        findings.append(QJsonObject {
            { QStringLiteral("severity"), findingSeverityName(f.severity) },
            { QStringLiteral("step"), f.step >= 0 ? QJsonValue(f.step) : QJsonValue(QJsonValue::Null) },
            { QStringLiteral("text"), f.text },
        });
    QJsonArray outcomes;
    for (const RecipientOutcome &o : s.outcomes) {
        Classification c;
        if (decoder) {
            const DecodeContext where { s.server, addressDomain(o.recipient) };
            c = decoder->decode(o.reply, where).classification;
        }
        outcomes.append(QJsonObject {
            { QStringLiteral("recipient"), o.recipient },
            { QStringLiteral("code"), o.reply.code ? QJsonValue(o.reply.code) : QJsonValue(QJsonValue::Null) },
            { QStringLiteral("status"), nullable(o.reply.status.toString()) },
            { QStringLiteral("reason"), c.reason },
            { QStringLiteral("hard"), c.hard },
            { QStringLiteral("action"), outcomeKindName(o.kind) },
        });
    }
    return {
        { QStringLiteral("server"), s.server },
        { QStringLiteral("client"), s.client },
        { QStringLiteral("tls"), tlsModeName(s.tls.mode) },
        { QStringLiteral("steps"), steps },
        { QStringLiteral("findings"), findings },
        { QStringLiteral("outcome"), outcomes },
    };
}

} // namespace

namespace {

const QStringList &keyOrder()
{
    static const QStringList order { QStringLiteral("source"), QStringLiteral("dialect"), QStringLiteral("sessions"),
        QStringLiteral("server"), QStringLiteral("client"), QStringLiteral("tls"), QStringLiteral("steps"),
        QStringLiteral("findings"), QStringLiteral("outcome"), QStringLiteral("kind"), QStringLiteral("command"),
        QStringLiteral("reply"), QStringLiteral("phase"), QStringLiteral("lines"), QStringLiteral("recipient"),
        QStringLiteral("code"), QStringLiteral("status"), QStringLiteral("severity"), QStringLiteral("step"),
        QStringLiteral("text"), QStringLiteral("reason"), QStringLiteral("hard"), QStringLiteral("action") };
    return order;
}

void write(QByteArray &out, const QJsonValue &v, bool indented, int depth)
{
    const QByteArray pad = indented ? QByteArray((depth + 1) * 4, ' ') : QByteArray();
    const QByteArray closePad = indented ? QByteArray(depth * 4, ' ') : QByteArray();
    const char *newline = indented ? "\n" : "";
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out += "null";
        break;
    case QJsonValue::Bool:
        out += v.toBool() ? "true" : "false";
        break;
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (d == double(qint64(d)))
            out += QByteArray::number(qint64(d));
        else
            out += QByteArray::number(d, 'g', 17);
        break;
    }
    case QJsonValue::String:
        appendJsonString(out, v.toString());
        break;
    case QJsonValue::Array: {
        const QJsonArray a = v.toArray();
        // Short arrays of numbers ([first, last]) stay on one line.
        const bool flat
            = !indented || std::all_of(a.begin(), a.end(), [](const QJsonValue &x) { return x.isDouble(); });
        out += '[';
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (i)
                out += flat && indented ? ", " : ",";
            if (!flat)
                out += newline + pad;
            write(out, a.at(i), indented, depth + 1);
        }
        if (!flat && !a.isEmpty())
            out += newline + closePad;
        out += ']';
        break;
    }
    case QJsonValue::Object: {
        const QJsonObject o = v.toObject();
        QStringList keys = o.keys();
        std::stable_sort(keys.begin(), keys.end(), [](const QString &a, const QString &b) {
            const qsizetype ia = keyOrder().indexOf(a);
            const qsizetype ib = keyOrder().indexOf(b);
            return (ia < 0 ? keyOrder().size() : ia) < (ib < 0 ? keyOrder().size() : ib);
        });
        out += '{';
        for (qsizetype i = 0; i < keys.size(); ++i) {
            if (i)
                out += ',';
            out += newline + pad;
            appendJsonString(out, keys.at(i));
            out += indented ? ": " : ":";
            write(out, o.value(keys.at(i)), indented, depth + 1);
        }
        if (!keys.isEmpty())
            out += newline + closePad;
        out += '}';
        break;
    }
    }
}

} // namespace

QByteArray orderedJson(const QJsonValue &value, bool indented)
{
    QByteArray out;
    write(out, value, indented, 0);
    return out;
}

QByteArray transcriptJsonHead(const QString &source, const QString &dialect, bool indented)
{
    const char *newline = indented ? "\n" : "";
    const QByteArray pad = indented ? QByteArray(4, ' ') : QByteArray();
    const char *colon = indented ? ": " : ":";
    QByteArray out = "{";
    out += newline + pad;
    appendJsonString(out, QStringLiteral("source"));
    out += colon;
    write(out, QJsonValue(source), indented, 1);
    out += QByteArray(",") + newline + pad;
    appendJsonString(out, QStringLiteral("dialect"));
    out += colon;
    write(out, nullable(dialect), indented, 1);
    out += QByteArray(",") + newline + pad;
    appendJsonString(out, QStringLiteral("sessions"));
    out += colon;
    out += '[';
    return out;
}

QByteArray transcriptJsonSession(const Session &session, const ReplyDecoder *decoder, bool first, bool indented)
{
    QByteArray out;
    if (!first)
        out += ',';
    if (indented)
        out += "\n" + QByteArray(8, ' ');
    write(out, sessionJson(session, decoder), indented, 2);
    return out;
}

QByteArray transcriptJsonTail(bool anySession, bool indented)
{
    QByteArray out;
    if (anySession && indented)
        out += "\n" + QByteArray(4, ' ');
    out += ']';
    if (indented)
        out += '\n';
    out += '}';
    return out;
}

QByteArray transcriptToJsonText(const Transcript &transcript, const ReplyDecoder *decoder, bool indented)
{
    // The text of orderedJson(transcriptToJson(…)), written one session at a time: a large log's
    // sessions never exist as one JSON tree.
    QByteArray out = transcriptJsonHead(transcript.source, transcript.dialect, indented);
    for (qsizetype i = 0; i < transcript.sessions.size(); ++i)
        out += transcriptJsonSession(transcript.sessions.at(i), decoder, i == 0, indented);
    out += transcriptJsonTail(!transcript.sessions.isEmpty(), indented);
    return out;
}

QJsonObject transcriptToJson(const Transcript &t, const ReplyDecoder *decoder)
{
    QJsonArray sessions;
    for (const Session &s : t.sessions)
        sessions.append(sessionJson(s, decoder));
    return {
        { QStringLiteral("source"), t.source },
        { QStringLiteral("dialect"), nullable(t.dialect) },
        { QStringLiteral("sessions"), sessions },
    };
}

} // namespace smtpscope::core
