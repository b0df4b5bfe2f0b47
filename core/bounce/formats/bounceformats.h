#pragma once

#include "bounce/formats/re2pattern.h"

#include <QList>
#include <QPair>
#include <QString>

namespace smtpscope::core::bounce {

/// What bounces of different MTAs and providers look like, as data: the signals that say a message
/// was written by a mail system, where the returned original starts, and which MTA wrote it.
/// The decoding itself is generic (textscanner.h); these tables only steer it.
/// The expressions are shared by all threads (Re2Pattern is immutable).
struct BounceSignals
{
    /// From addresses or display names of mail systems (MAILER-DAEMON, postmaster, …).
    const Re2Pattern &sender() const;
    /// Subjects of delivery failure and delay notices in several languages.
    const Re2Pattern &subject() const;
    /// Sentences that only delivery reports contain.
    const Re2Pattern &body() const;
    /// Sentences that say nothing about any recipient ("This message was created automatically…", "Please note
    /// that this is only a temporary failure report."), matched at the start of a sentence.
    const Re2Pattern &boilerplate() const;
    /// A line where the copy of the original message (or its headers) begins (multi-line: ^ and $ at lines).
    const Re2Pattern &originalBoundary() const;
    /// Wording of a delay warning (the message is still queued).
    const Re2Pattern &delay() const;
    /// Wording of a final give-up, which overrides a delay wording in the same report.
    const Re2Pattern &permanent() const;
    /// Subjects of RFC 3834 automatic replies ("Out of Office", "Automatic reply", …).
    const Re2Pattern &autoReplySubject() const;
    /// The format markers identifyFormat() tries, in order (for tests).
    static QList<QPair<QString, const Re2Pattern *>> formatMarkers();
    /// The expression reportingHost() reads (for tests).
    static const Re2Pattern &reportingHostPattern();

    static const BounceSignals &instance();
};

/// A complaint report written before (or outside) ARF: the provider, and the header of the returned
/// message that names the complaining recipient.
struct ComplaintFormat
{
    QString provider;
    QString recipientHeader;
    QString feedbackType;

    bool isValid() const { return !provider.isEmpty(); }
};

/// Recognises the non-ARF complaint reports of the providers in the table by their sender and subject.
ComplaintFormat identifyComplaint(const QString &from, const QString &subject);

/// A plain statement of what a bounce format means, for formats whose wording is localised prose that
/// no text rule can read (Google Groups answers in the sender's language); empty for other formats.
/// Classification reads this statement; the knowledge base still decides the reason.
QString formatExplanation(const QString &format);

/// The host that wrote a non-standard bounce, when its text names it ("This is the mail system at host
/// x", "Generating server: x"); empty otherwise.
QString reportingHost(QStringView text);

/// The MTA or provider that wrote a non-standard bounce, from markers in its sender, subject or text.
/// Empty when no marker matches.
QString identifyFormat(const QString &from, const QString &subject, QStringView text);

} // namespace smtpscope::core::bounce
