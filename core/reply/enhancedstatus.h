#pragma once

#include <QMetaType>
#include <QString>

namespace smtpscope::core {

/// An RFC 3463 enhanced status code, class.subject.detail (e.g. 5.1.1).
struct EnhancedStatus
{
    int statusClass = 0; ///< 2, 4 or 5; 0 when there is no code
    int subject = 0;
    int detail = 0;

    bool isValid() const { return statusClass != 0; }
    QString toString() const;
    /// The registry form with the class replaced by X (X.1.1), as IANA lists it.
    QString registryKey() const;

    /// Parses "5.1.1" (the whole text); returns an invalid status otherwise.
    static EnhancedStatus fromString(QStringView text);

    friend bool operator==(const EnhancedStatus &, const EnhancedStatus &) = default;
};

} // namespace smtpscope::core

Q_DECLARE_METATYPE(smtpscope::core::EnhancedStatus)
