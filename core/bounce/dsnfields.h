#pragma once

#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>

namespace smtpscope::core {

/// A typed DSN value such as "rfc822; a@b.example", "dns; mx.example" or "smtp; 550 …", split at
/// the first semicolon. Values written without a type keep an empty type.
struct DsnTypedValue
{
    QString type; ///< lower case: "rfc822", "utf-8", "dns", "smtp", "x-postfix", …
    QString value; ///< trimmed; addresses without angle brackets, utf-8 escapes decoded

    bool isEmpty() const { return value.isEmpty(); }
    friend bool operator==(const DsnTypedValue &, const DsnTypedValue &) = default;
};

/// The per-message group of a delivery-status body (RFC 3464 section 2.2) and its common extensions.
struct DsnMessageFields
{
    QString originalEnvelopeId;
    DsnTypedValue reportingMta;
    DsnTypedValue dsnGateway;
    DsnTypedValue receivedFromMta;
    QString arrivalDate; ///< as written
    QString postfixQueueId; ///< X-Postfix-Queue-ID
    DsnTypedValue postfixSender; ///< X-Postfix-Sender
    QString originalMessageId; ///< X-Original-Message-ID
    QList<QPair<QString, QString>> fields; ///< every field of the group in order (name as written, unfolded value)
};

/// One per-recipient group (RFC 3464 section 2.3) and its common extensions.
struct DsnRecipientFields
{
    DsnTypedValue originalRecipient;
    DsnTypedValue finalRecipient;
    DsnTypedValue actualRecipient; ///< X-Actual-Recipient
    QString action; ///< lower case: failed, delayed, delivered, relayed, expanded
    QString status; ///< the enhanced status code alone ("5.1.1"), or the raw value when it holds none
    DsnTypedValue remoteMta;
    DsnTypedValue diagnosticCode; ///< unfolded; type "smtp", "x-unix", "x-postfix", …
    QString lastAttemptDate; ///< as written
    QString willRetryUntil; ///< as written
    QString finalLogId;
    QList<QPair<QString, QString>> fields; ///< every field of the group in order (name as written, unfolded value)

    /// The address the status applies to: Final-Recipient, else Original-Recipient, else X-Actual-Recipient.
    QString recipient() const;
    /// The value of the first field with this name (case-insensitive), including extension fields.
    QString field(QStringView name) const;
};

/// The fields of an RFC 3464 message/delivery-status (or RFC 6533 message/global-delivery-status) body,
/// read with the tolerance real bounces need: lower-case names, folded lines, missing blank lines
/// between groups, a missing per-message group, address types with or without spaces.
struct DsnFields
{
    DsnMessageFields message;
    QList<DsnRecipientFields> recipients;

    bool isEmpty() const { return recipients.isEmpty() && message.fields.isEmpty(); }

    static DsnFields parse(QStringView text);
    /// Splits "type; value" (the type may be missing); addresses lose their angle brackets and comments.
    static DsnTypedValue typedValue(QStringView text, bool address);
    /// Reads an RFC 5322 date as DSNs write it (comments such as "(CET)" and missing weekdays tolerated).
    static QDateTime parseDate(QStringView text);
};

} // namespace smtpscope::core
