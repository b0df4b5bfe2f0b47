#pragma once

#include "classify/classification.h"
#include "reply/enhancedstatus.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

namespace smtpscope::core {

/// The outcome for one recipient of a bounced (or delayed, or delivered) message.
struct DeliveryResult
{
    QString recipient; ///< final recipient address
    QString originalRecipient;
    QString action; ///< failed, delayed, delivered, relayed, expanded
    EnhancedStatus status;
    int replyCode = 0;
    QString remoteMta;
    QString diagnostic; ///< unfolded diagnostic text
    QString diagnosticType; ///< the DSN Diagnostic-Code type ("smtp", "x-postfix", …), empty for free text
    QString failedCommand; ///< the SMTP command at which delivery failed (RCPT, DATA, …)
    QDateTime lastAttempt;
    QDateTime willRetryUntil; ///< delayed results only
    QString recipientDomain;
    QString registrableDomain;
    QString provider;
    Classification classification;
};

/// The identity of the message that bounced.
struct OriginalMessage
{
    QString messageId;
    QString from;
    QString to;
    QString subject;
    QString date;
};

/// Everything a bounce message says.
struct BounceReport
{
    QString source;
    int index = 0;
    QString kind; ///< "dsn", "arf", "auto-reply", "non-standard:<format>", "not a bounce", "unrecognised bounce"
    QString reportingMta;
    QDateTime arrivalDate;
    QString feedbackType; ///< ARF only
    OriginalMessage original;
    QList<DeliveryResult> results;
    QString note; ///< "not a bounce", "auto-reply", or the reason the message could not be read
};

} // namespace smtpscope::core

Q_DECLARE_METATYPE(smtpscope::core::BounceReport)
