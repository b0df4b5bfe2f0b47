#include "bounce/formats/amazonses.h"

#include "bounce/dsnfields.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace smtpscope::core::bounce {

namespace {

QString joined(const QJsonValue &v)
{
    if (v.isArray()) {
        QStringList parts;
        for (const QJsonValue &x : v.toArray())
            parts.append(x.toString());
        return parts.join(QStringLiteral(", "));
    }
    return v.toString();
}

} // namespace

SesNotification readSesNotification(QStringView text)
{
    SesNotification n;
    const qsizetype open = text.indexOf(u'{');
    if (open < 0 || !text.contains(u"notificationType"))
        return n;
    // The JSON ends at the last closing brace; SNS appends an unsubscribe footer after it.
    const qsizetype close = text.lastIndexOf(u'}');
    if (close <= open)
        return n;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.mid(open, close - open + 1).toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return n;
    QJsonObject root = doc.object();
    // Delivered through SNS over HTTP or e-mail, the notification is a JSON string inside an envelope.
    if (!root.contains(QLatin1String("notificationType")) && root.value(QLatin1String("Message")).isString()) {
        const QJsonDocument inner
            = QJsonDocument::fromJson(root.value(QLatin1String("Message")).toString().toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !inner.isObject())
            return n;
        root = inner.object();
    }
    n.type = root.value(QLatin1String("notificationType")).toString();
    if (n.type.isEmpty())
        n.type = root.value(QLatin1String("eventType")).toString();
    const QJsonObject mail = root.value(QLatin1String("mail")).toObject();
    n.messageId = mail.value(QLatin1String("messageId")).toString();
    const QJsonObject common = mail.value(QLatin1String("commonHeaders")).toObject();
    n.from = joined(common.value(QLatin1String("from")));
    n.to = joined(common.value(QLatin1String("to")));
    n.subject = common.value(QLatin1String("subject")).toString();
    n.date = common.value(QLatin1String("date")).toString();
    if (common.contains(QLatin1String("messageId")))
        n.messageId = common.value(QLatin1String("messageId")).toString();

    if (n.type == u"Bounce") {
        const QJsonObject bounce = root.value(QLatin1String("bounce")).toObject();
        n.reportingMta = DsnFields::typedValue(bounce.value(QLatin1String("reportingMTA")).toString(), false).value;
        const QString remote = bounce.value(QLatin1String("remoteMtaIp")).toString();
        for (const QJsonValue &v : bounce.value(QLatin1String("bouncedRecipients")).toArray()) {
            const QJsonObject r = v.toObject();
            SesRecipient rec;
            rec.address = r.value(QLatin1String("emailAddress")).toString();
            rec.action = r.value(QLatin1String("action")).toString(QStringLiteral("failed")).toLower();
            rec.status = r.value(QLatin1String("status")).toString();
            rec.diagnostic = DsnFields::typedValue(r.value(QLatin1String("diagnosticCode")).toString(), false).value;
            rec.remoteMta = remote;
            n.recipients.append(rec);
        }
    } else if (n.type == u"Complaint") {
        const QJsonObject complaint = root.value(QLatin1String("complaint")).toObject();
        n.feedbackType = complaint.value(QLatin1String("complaintFeedbackType")).toString();
        for (const QJsonValue &v : complaint.value(QLatin1String("complainedRecipients")).toArray()) {
            SesRecipient rec;
            rec.address = v.toObject().value(QLatin1String("emailAddress")).toString();
            rec.action = QStringLiteral("complaint");
            n.recipients.append(rec);
        }
    } else if (n.type == u"Delivery") {
        const QJsonObject delivery = root.value(QLatin1String("delivery")).toObject();
        n.reportingMta = delivery.value(QLatin1String("reportingMTA")).toString();
        const QString response = delivery.value(QLatin1String("smtpResponse")).toString();
        const QString remote = delivery.value(QLatin1String("remoteMtaIp")).toString();
        for (const QJsonValue &v : delivery.value(QLatin1String("recipients")).toArray()) {
            SesRecipient rec;
            rec.address = v.toString();
            rec.action = QStringLiteral("delivered");
            rec.diagnostic = response;
            rec.remoteMta = remote;
            n.recipients.append(rec);
        }
    } else {
        n.type.clear();
    }
    return n;
}

} // namespace smtpscope::core::bounce
