#pragma once

#include "transcript/parsers/parserutil.h"

// One small parser per dialect; see corpus/transcripts/FORMATS.md for each grammar.
namespace smtpscope::core::parsers {

#define SMTPSCOPE_DECLARE_DIALECT(ClassName, dialectId)                                                                \
    class ClassName final : public TranscriptParser                                                                    \
    {                                                                                                                  \
    public:                                                                                                            \
        QString id() const override { return QStringLiteral(dialectId); }                                              \
        int score(const QList<SourceLine> &sample) const override;                                                     \
        QList<ProtocolLine> parse(const QList<SourceLine> &lines) const override;                                      \
    };

/// A dialect that comes as large files: it reads line by line (openStream), parse() collects that.
#define SMTPSCOPE_DECLARE_STREAMING_DIALECT(ClassName, dialectId)                                                      \
    class ClassName final : public TranscriptParser                                                                    \
    {                                                                                                                  \
    public:                                                                                                            \
        QString id() const override { return QStringLiteral(dialectId); }                                              \
        int score(const QList<SourceLine> &sample) const override;                                                     \
        QList<ProtocolLine> parse(const QList<SourceLine> &lines) const override                                       \
        {                                                                                                              \
            return collectLines(*this, lines);                                                                         \
        }                                                                                                              \
        std::unique_ptr<ProtocolLineStream> openStream() const override;                                               \
    };

/// telnet, nc, openssl s_client and any unprefixed conversation: direction from the reply shape.
SMTPSCOPE_DECLARE_DIALECT(RawParser, "raw")
/// swaks: "<- ", " -> ", "<~*", "=== " hints.
SMTPSCOPE_DECLARE_STREAMING_DIALECT(SwaksParser, "swaks")
/// PHPMailer SMTPDebug: "CLIENT -> SERVER:" / "SERVER -> CLIENT:", echo, html and error_log forms.
SMTPSCOPE_DECLARE_DIALECT(PhpMailerParser, "phpmailer")
/// Python smtplib set_debuglevel: "send: '…'" / "reply: b'…'".
SMTPSCOPE_DECLARE_DIALECT(SmtplibParser, "smtplib")
/// Postfix mail.log delivery lines: "to=<…>, relay=…, dsn=…, status=…".
SMTPSCOPE_DECLARE_STREAMING_DIALECT(PostfixLogParser, "postfix-log")
/// Postfix debug_peer_list: "postfix/smtp[pid]: < host[ip]:port: …".
SMTPSCOPE_DECLARE_STREAMING_DIALECT(PostfixDebugParser, "postfix-debug")
/// MailKit ProtocolLogger: "Connected to smtp://…", "C: " / "S: ".
SMTPSCOPE_DECLARE_DIALECT(MailKitParser, "mailkit")
/// Nodemailer logger: "[date] DEBUG [cid] S: …".
SMTPSCOPE_DECLARE_DIALECT(NodemailerParser, "nodemailer")
/// curl -v smtp://: "< ", "> ", "* ".
SMTPSCOPE_DECLARE_DIALECT(CurlParser, "curl")
/// JavaMail / Jakarta Mail mail.debug: "DEBUG SMTP: " plus raw traffic.
SMTPSCOPE_DECLARE_DIALECT(JavaMailParser, "javamail")
/// Exchange SmtpReceive / SmtpSend protocol logs (CSV).
SMTPSCOPE_DECLARE_DIALECT(ExchangeParser, "exchange")
/// exim -v / -d: "  SMTP<< ", "  SMTP>> ".
SMTPSCOPE_DECLARE_DIALECT(EximDebugParser, "exim-debug")
/// Exim mainlog: "<msgid> ** addr … SMTP error from remote mail server after …".
SMTPSCOPE_DECLARE_DIALECT(EximLogParser, "exim-log")
/// sendmail -v: ">>> " client lines, raw server lines.
SMTPSCOPE_DECLARE_DIALECT(SendmailVerboseParser, "sendmail-verbose")
/// sendmail maillog: "to=…, dsn=…, reply=…, stat=…".
SMTPSCOPE_DECLARE_DIALECT(SendmailLogParser, "sendmail-log")
/// msmtp --debug: "<-- " / "--> ".
SMTPSCOPE_DECLARE_DIALECT(MsmtpParser, "msmtp")
/// go-mail WithDebugLog: "DEBUG: C --> S: " / "DEBUG: C <-- S: ".
SMTPSCOPE_DECLARE_DIALECT(GoMailParser, "gomail")
/// Haraka logs: "[PROTOCOL] [uuid] [core] C: …".
SMTPSCOPE_DECLARE_DIALECT(HarakaParser, "haraka")

#undef SMTPSCOPE_DECLARE_DIALECT
#undef SMTPSCOPE_DECLARE_STREAMING_DIALECT

} // namespace smtpscope::core::parsers
