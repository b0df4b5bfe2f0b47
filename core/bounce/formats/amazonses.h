#pragma once

#include <QList>
#include <QString>

namespace smtpscope::core::bounce {

/// One recipient of an Amazon SES event notification (an SNS message whose body is JSON).
struct SesRecipient
{
    QString address;
    QString action; ///< failed, delayed, delivered, or "complaint"
    QString status; ///< "5.1.1" as stated, possibly empty
    QString diagnostic; ///< "550 5.1.1 user unknown" (type removed) or the SMTP response of a delivery
    QString remoteMta;
};

/// The recipients of an Amazon SES Bounce, Complaint or Delivery notification.
struct SesNotification
{
    QString type; ///< "Bounce", "Complaint", "Delivery"
    QString reportingMta;
    QString feedbackType; ///< complaints only
    QString messageId; ///< of the original message
    QString from;
    QString to;
    QString subject;
    QString date;
    QList<SesRecipient> recipients;

    bool isValid() const { return !type.isEmpty(); }
};

/// Reads an SES notification from a text body; invalid when the text is not one.
SesNotification readSesNotification(QStringView text);

} // namespace smtpscope::core::bounce
