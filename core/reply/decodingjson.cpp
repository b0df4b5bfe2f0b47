#include "reply/decodingjson.h"

#include <QJsonArray>

namespace smtpscope::core {

namespace {

QJsonValue orNull(bool present, const QJsonObject &object)
{
    return present ? QJsonValue(object) : QJsonValue(QJsonValue::Null);
}

} // namespace

QJsonObject replyToJson(const Reply &reply)
{
    return {
        { QStringLiteral("code"), reply.code ? QJsonValue(reply.code) : QJsonValue(QJsonValue::Null) },
        { QStringLiteral("status"),
            reply.status.isValid() ? QJsonValue(reply.status.toString()) : QJsonValue(QJsonValue::Null) },
        { QStringLiteral("text"), reply.text() },
        { QStringLiteral("lines"), QJsonArray { reply.firstLine, reply.lastLine } },
    };
}

QJsonObject classificationToJson(const Classification &c)
{
    return {
        { QStringLiteral("reason"), c.reason },
        { QStringLiteral("hard"), c.hard },
        { QStringLiteral("action"), c.action },
        { QStringLiteral("retry"), c.retry },
        { QStringLiteral("retry_policy"), c.retryPolicy },
        { QStringLiteral("schedule"), QJsonArray::fromStringList(c.schedule) },
        { QStringLiteral("give_up_after"), c.giveUpAfter },
        { QStringLiteral("advice"), c.advice },
        { QStringLiteral("confidence"), c.confidence },
        { QStringLiteral("evidence"),
            QJsonObject {
                { QStringLiteral("source"), evidenceSourceName(c.evidence.source) },
                { QStringLiteral("rule"), c.evidence.ruleId },
                { QStringLiteral("matched"), c.evidence.matchedText },
                { QStringLiteral("offset"), c.evidence.matchStart },
                { QStringLiteral("summary"), c.evidence.summary },
            } },
    };
}

QJsonObject decodingToJson(const Decoding &d)
{
    QJsonArray scope;
    for (qsizetype i = 0; i < d.scope.providerIds.size(); ++i)
        scope.append(QJsonObject {
            { QStringLiteral("provider"), d.scope.providerIds.at(i) }, { QStringLiteral("why"), d.scope.why.at(i) } });
    QJsonArray issues;
    for (const ReplyIssue &issue : d.issues)
        issues.append(QJsonObject { { QStringLiteral("severity"), severityName(issue.severity) },
            { QStringLiteral("line"), issue.line }, { QStringLiteral("message"), issue.message } });

    QJsonObject out {
        { QStringLiteral("reply"), replyToJson(d.reply) },
        { QStringLiteral("reply_code"),
            orNull(bool(d.replyCode),
                d.replyCode ? QJsonObject { { QStringLiteral("code"), d.replyCode->code },
                    { QStringLiteral("title"), d.replyCode->title },
                    { QStringLiteral("meaning"), d.replyCode->meaning },
                    { QStringLiteral("reference"), d.replyCode->reference } }
                            : QJsonObject()) },
        { QStringLiteral("class"),
            orNull(bool(d.statusClass),
                d.statusClass ? QJsonObject { { QStringLiteral("class"), d.statusClass->statusClass },
                    { QStringLiteral("title"), d.statusClass->title },
                    { QStringLiteral("meaning"), d.statusClass->meaning } }
                              : QJsonObject()) },
        { QStringLiteral("subject"),
            orNull(bool(d.subject),
                d.subject ? QJsonObject { { QStringLiteral("subject"), d.subject->subject },
                    { QStringLiteral("title"), d.subject->title }, { QStringLiteral("meaning"), d.subject->meaning } }
                          : QJsonObject()) },
        { QStringLiteral("detail"),
            orNull(bool(d.enhancedCode),
                d.enhancedCode ? QJsonObject { { QStringLiteral("code"), d.enhancedCode->code },
                    { QStringLiteral("detail"), d.enhancedCode->detail },
                    { QStringLiteral("title"), d.enhancedCode->title },
                    { QStringLiteral("meaning"), d.enhancedCode->meaning },
                    { QStringLiteral("reference"), d.enhancedCode->reference } }
                               : QJsonObject()) },
        { QStringLiteral("scope"), scope },
        { QStringLiteral("provider"),
            orNull(bool(d.provider),
                d.provider ? QJsonObject { { QStringLiteral("id"), d.provider->id },
                    { QStringLiteral("name"), d.provider->name } }
                           : QJsonObject()) },
        { QStringLiteral("rule"),
            orNull(bool(d.rule),
                d.rule ? QJsonObject { { QStringLiteral("id"), d.rule->id },
                    { QStringLiteral("meaning"), d.rule->meaning }, { QStringLiteral("source"), d.rule->source } }
                       : QJsonObject()) },
        { QStringLiteral("classification"), classificationToJson(d.classification) },
        { QStringLiteral("issues"), issues },
    };
    return out;
}

} // namespace smtpscope::core
