#pragma once

#include "reply/reply.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace smtpscope::core {

/// A protocol problem noticed in a session: wrong order, pipelining misuse, a malformed reply.
struct Finding
{
    enum class Severity { Info, Warning, Error };
    Severity severity = Severity::Warning;
    int step = -1; ///< index into Session::steps; -1 when it concerns the whole session
    QString id; ///< stable identifier, e.g. "auth-before-tls"
    QString text;

    friend bool operator==(const Finding &, const Finding &) = default;
};

} // namespace smtpscope::core

// The transcript types hold only Qt containers and plain values, which may be moved in memory as they are:
// their lists then grow by reallocating instead of moving every element one by one.
Q_DECLARE_TYPEINFO(smtpscope::core::Finding, Q_RELOCATABLE_TYPE);

namespace smtpscope::core {

QString findingSeverityName(Finding::Severity severity);

/// Field-wise equality of two replies (Reply itself has no comparison operator).
bool sameReply(const Reply &a, const Reply &b);

/// Where in the SMTP dialogue a step belongs.
enum class Phase { Connect, Greeting, Helo, Tls, Auth, Mail, Rcpt, Data, Message, Quit, Other };

QString phaseName(Phase phase);

/// One exchange of a session: a client command with its reply, or an event (connect, TLS up, close).
struct Step
{
    enum class Kind { Connect, Greeting, Command, TlsStart, Auth, Data, Event, Close };
    Kind kind = Kind::Event;
    QString verb; ///< upper-case command verb ("EHLO", "RCPT"); empty for events and the message body
    QString argument; ///< the rest of the command; AUTH payloads and credentials are "[redacted]"
    QString note; ///< what an event said ("Connected to 127.0.0.1"), or remarks on the step
    Reply reply; ///< the server's reply; code 0 and no lines when none was seen
    Phase phase = Phase::Other;
    int firstLine = 0; ///< 1-based source line range
    int lastLine = 0;
    QString timestamp; ///< as shown in the source, empty when not shown
    bool pipelined = false; ///< sent while an earlier command still awaited its reply
    qint64 messageSize = -1; ///< for the message body: octets shown or declared, -1 when unknown
    QList<Finding> findings;

    bool hasReply() const { return reply.code != 0 || !reply.lines.isEmpty(); }
    /// Verb and argument as one line ("RCPT TO:<a@b>").
    QString command() const;

    friend bool operator==(const Step &, const Step &);
};

} // namespace smtpscope::core

Q_DECLARE_TYPEINFO(smtpscope::core::Step, Q_RELOCATABLE_TYPE);

namespace smtpscope::core {

QString stepKindName(Step::Kind kind);

/// The service extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1 and extensions).
struct Capabilities
{
    bool seen = false; ///< an EHLO reply was read
    qint64 size = -1; ///< SIZE value; 0 = no fixed limit; -1 = SIZE not announced
    bool pipelining = false;
    bool startTls = false;
    bool eightBitMime = false;
    bool smtpUtf8 = false;
    bool chunking = false;
    bool dsn = false;
    bool enhancedStatusCodes = false;
    bool requireTls = false;
    QStringList authMechanisms;
    QStringList keywords; ///< every keyword line as announced, upper-cased keyword first

    /// Reads the capabilities from an EHLO reply (multi-line, or flattened onto one line).
    static Capabilities fromEhloReply(const Reply &reply);

    friend bool operator==(const Capabilities &, const Capabilities &) = default;
};

/// How the session was protected.
struct TlsInfo
{
    enum class Mode { None, StartTls, Implicit };
    Mode mode = Mode::None;
    QString detail; ///< protocol and cipher when the source shows them

    friend bool operator==(const TlsInfo &, const TlsInfo &) = default;
};

QString tlsModeName(TlsInfo::Mode mode);

/// What happened to one recipient in a session.
struct RecipientOutcome
{
    enum class Kind { Accepted, RejectedAtRcpt, RejectedAfterData, Rejected, Deferred };
    QString recipient;
    Reply reply; ///< the reply that decided
    Kind kind = Kind::Accepted;
    int step = -1; ///< the step whose reply decided, -1 when none

    friend bool operator==(const RecipientOutcome &, const RecipientOutcome &);
};

} // namespace smtpscope::core

Q_DECLARE_TYPEINFO(smtpscope::core::RecipientOutcome, Q_RELOCATABLE_TYPE);

namespace smtpscope::core {

QString outcomeKindName(RecipientOutcome::Kind kind);

/// One SMTP connection (or, for MTA logs, one message's delivery) with its steps and verdicts.
struct Session
{
    QString server; ///< the server's name from its banner or EHLO reply, else the address connected to
    QString client; ///< the EHLO/HELO argument
    QString peer; ///< the address the client connected to, when shown
    TlsInfo tls;
    Capabilities capabilities; ///< from the last EHLO reply
    QList<Step> steps;
    QList<Finding> findings; ///< all findings, each also listed on its step
    QList<RecipientOutcome> outcomes;
    int firstLine = 0;
    int lastLine = 0;

    friend bool operator==(const Session &, const Session &) = default;
};

} // namespace smtpscope::core

Q_DECLARE_TYPEINFO(smtpscope::core::Session, Q_RELOCATABLE_TYPE);

namespace smtpscope::core {

/// A source line that no dialect rule could place into a session.
struct UnplacedLine
{
    int line = 0;
    QString text;

    friend bool operator==(const UnplacedLine &, const UnplacedLine &) = default;
};

} // namespace smtpscope::core

Q_DECLARE_TYPEINFO(smtpscope::core::UnplacedLine, Q_RELOCATABLE_TYPE);

namespace smtpscope::core {

/// A whole transcript or log as read: the dialect detected, its sessions and what was left over.
struct Transcript
{
    QString source; ///< file name or "-" for standard input
    QString dialect; ///< dialect id ("swaks", "postfix-log", …); empty when not a transcript
    QString error; ///< why the input could not be read as a transcript, empty otherwise
    QList<Session> sessions;
    QList<UnplacedLine> unplaced;
    int lineCount = 0;

    bool isTranscript() const { return !dialect.isEmpty(); }

    friend bool operator==(const Transcript &, const Transcript &) = default;
};

/// Registers the transcript value types with the meta-type system (for queued signals and QVariant).
void registerTranscriptMetaTypes();

} // namespace smtpscope::core

Q_DECLARE_METATYPE(smtpscope::core::Finding)
Q_DECLARE_METATYPE(smtpscope::core::Step)
Q_DECLARE_METATYPE(smtpscope::core::Capabilities)
Q_DECLARE_METATYPE(smtpscope::core::TlsInfo)
Q_DECLARE_METATYPE(smtpscope::core::RecipientOutcome)
Q_DECLARE_METATYPE(smtpscope::core::Session)
Q_DECLARE_METATYPE(smtpscope::core::Transcript)
