// Decoding replies end to end against the built-in knowledge base: codes, reason, hard/soft, action.
#include "reply/replydecoder.h"
#include "reply/replyparser.h"

#include <QTest>

using namespace smtpscope::core;

namespace {

struct Row
{
    const char *name;
    const char *reply;
    const char *host;
    const char *domain;
    int replyClass; ///< expected class (of the enhanced code when there is one, else of the reply code)
    const char *status; ///< expected enhanced code, "" for none
    const char *reason;
    bool hard;
    const char *action;
};

// clang-format off
const Row kRows[] = {
    // The cases the foundation issue lists.
    { "550 5.1.1 user unknown", "550 5.1.1 <a@b.example>: Recipient address rejected: User unknown", "", "", 5, "5.1.1", "userunknown", true, "suppress" },
    { "450 4.2.0 mailbox busy", "450 4.2.0 Mailbox busy, try again later", "", "", 4, "4.2.0", "systemerror", false, "retry-backoff" },
    { "421 4.4.2 throttled", "421 4.4.2 mx.example.com Error: timeout exceeded", "", "", 4, "4.4.2", "networkerror", false, "retry-backoff" },
    { "550 5.7.1 policy", "550 5.7.1 Delivery not authorized, message refused", "", "", 5, "5.7.1", "securityerror", false, "fix-authentication" },
    { "554 5.6.0 content", "554 5.6.0 Error: malformed MIME: boundary missing", "", "", 5, "5.6.0", "contenterror", false, "fix-content" },
    { "451 4.3.0", "451 4.3.0 Temporary local problem - please try later", "", "", 4, "4.3.0", "systemerror", false, "retry-backoff" },
    { "452 4.2.2 mailbox full", "452 4.2.2 <a@b.example>: Recipient address rejected: Mailbox full", "", "", 4, "4.2.2", "mailboxfull", false, "retry-slowly" },
    { "551 user not local", "551 5.1.6 User not local; please try <b@c.example>", "", "", 5, "5.1.6", "hasmoved", true, "suppress" },
    { "552 too large", "552 5.3.4 Message size exceeds fixed limit", "", "", 5, "5.3.4", "mesgtoobig", false, "fix-content" },
    { "553 mailbox name invalid", "553 5.1.3 <a b@c.example>: Recipient address rejected: bad address syntax", "", "", 5, "5.1.3", "userunknown", true, "suppress" },
    { "553 mailbox name not allowed", "553 Requested action not taken: mailbox name not allowed", "", "", 5, "", "userunknown", true, "suppress" },
    { "554 transaction failed", "554 Transaction failed", "", "", 5, "", "undefined", false, "investigate" },
    { "535 authentication failed", "535 5.7.8 Error: authentication failed: authentication failure", "", "", 5, "5.7.8", "securityerror", false, "fix-authentication" },
    { "530 authentication required", "530 5.7.0 Authentication required", "", "", 5, "5.7.0", "securityerror", false, "fix-authentication" },
    { "421 4.7.0 greylisting", "421 4.7.0 Greylisting in action, please try again later", "", "", 4, "4.7.0", "systemerror", false, "retry-backoff" },
    { "gmail 550-5.7.26 unauthenticated", "550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires\r\n550-5.7.26 all senders to authenticate with either SPF or DKIM.\r\n550-5.7.26\r\n550 5.7.26 Learn more at https://support.google.com/mail/answer/81126 - gsmtp", "", "", 5, "5.7.26", "authfailure", false, "fix-authentication" },
    { "gmail 421-4.7.28 rate limited", "421-4.7.28 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating\n421-4.7.28 from your IP address. To protect our users from spam, mail sent from your IP\n421 4.7.28 address has been temporarily rate limited. - gsmtp", "", "", 4, "4.7.28", "badreputation", false, "retry-slowly" },
    { "microsoft 550 5.7.708", "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to http://go.microsoft.com/fwlink/?LinkId=526653", "example-com.mail.protection.outlook.com", "", 5, "5.7.708", "badreputation", false, "contact-receiver" },
    { "yahoo 421 4.7.0 TSS04", "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes", "mta7.am0.yahoodns.net", "", 4, "4.7.0", "badreputation", false, "retry-slowly" },
    { "deviation 550 #5.1.0", "550 #5.1.0 Address rejected", "", "", 5, "5.1.0", "userunknown", true, "suppress" },
    { "deviation 552 1 no enhanced code", "552 1 Message exceeds maximum fixed size", "", "", 5, "", "mesgtoobig", false, "fix-content" },
    { "deviation double spaces", "550  5.1.1  <x@y.example>...  User unknown", "", "", 5, "5.1.1", "userunknown", true, "suppress" },
    { "deviation 4xx with 5.x.x", "451 5.7.1 Please try again later", "", "", 5, "5.7.1", "systemerror", false, "retry-backoff" },
    { "deviation bare code", "550", "", "", 5, "", "undefined", false, "investigate" },

    // Success and intermediate replies.
    { "250 2.1.5", "250 2.1.5 Ok", "", "", 2, "2.1.5", "delivered", false, "none" },
    { "250 queued", "250 2.0.0 Ok: queued as 4F3A21C0B2", "", "", 2, "2.0.0", "delivered", false, "none" },
    { "221 bye", "221 2.0.0 Bye", "", "", 2, "2.0.0", "delivered", false, "none" },
    { "354 start input", "354 End data with <CR><LF>.<CR><LF>", "", "", 3, "", "delivered", false, "none" },
    { "220 greeting", "220 mx.example.com ESMTP Postfix", "", "", 2, "", "delivered", false, "none" },
    { "235 auth ok", "235 2.7.0 Authentication successful", "", "", 2, "2.7.0", "delivered", false, "none" },

    // Unknown recipients, as different MTAs say it.
    { "sendmail user unknown", "550 5.1.1 <u@example.com>... User unknown", "", "", 5, "5.1.1", "userunknown", true, "suppress" },
    { "exchange RecipNotFound", "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", "", "", 5, "5.1.1", "userunknown", true, "suppress" },
    { "no such user, no enhanced", "550 No such user here", "", "", 5, "", "userunknown", true, "suppress" },
    { "qmail no mailbox here", "511 sorry, no mailbox here by that name (#5.1.1)", "", "", 5, "", "userunknown", true, "suppress" },
    { "gmail NoSuchUser", "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or\n550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser - gsmtp", "", "", 5, "5.1.1", "userunknown", true, "suppress" },
    { "microsoft DBEB", "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [DM6NAM11FT010.eop-nam11.prod.protection.outlook.com]", "", "", 5, "5.4.1", "userunknown", true, "suppress" },
    { "4xx that is permanent", "450 4.1.1 <x@y.example>: Recipient address rejected: unverified address: host mx[192.0.2.1] said: 550 5.1.1 User unknown", "", "", 4, "4.1.1", "userunknown", true, "suppress" },
    { "exim unrouteable", "550 Unrouteable address", "", "", 5, "", "userunknown", true, "suppress" },
    { "domain not found", "550 5.1.2 <x@nonexistent.example>: Recipient address rejected: Domain not found", "", "", 5, "5.1.2", "hostunknown", true, "suppress" },
    { "null MX", "556 5.1.10 Recipient address has null MX", "", "", 5, "5.1.10", "notaccept", true, "suppress" },
    { "521 no mail", "521 5.3.2 mail.example.com does not accept mail", "", "", 5, "5.3.2", "notaccept", true, "suppress" },
    // The same, in other languages: no code says more than 5.0.0, the words decide.
    { "German mailbox does not exist", "550 Mailbox existiert nicht", "", "", 5, "", "userunknown", true, "suppress" },
    { "French mailbox does not exist", "550 La boîte aux lettres n'existe pas", "", "", 5, "", "userunknown", true, "suppress" },
    { "Spanish mailbox does not exist", "550 El buzón no existe", "", "", 5, "", "userunknown", true, "suppress" },
    { "Portuguese mailbox does not exist", "550 A caixa postal não existe", "", "", 5, "", "userunknown", true, "suppress" },

    // Disabled and full mailboxes.
    { "gmail disabled", "550-5.2.1 The email account that you tried to reach is disabled. Learn more at\n550 5.2.1 https://support.google.com/mail/?p=DisabledUser - gsmtp", "", "", 5, "5.2.1", "suspend", false, "suppress" },
    { "mailbox disabled", "550 5.2.1 Mailbox disabled, not accepting messages", "", "", 5, "5.2.1", "suspend", false, "suppress" },
    { "5.1.1 that says suspended", "550 5.1.1 This account has been suspended", "", "", 5, "5.1.1", "suspend", false, "suppress" },
    { "gmail over quota", "452-4.2.2 The recipient's inbox is out of storage space. Please direct the\n452 4.2.2 recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp", "", "", 4, "4.2.2", "mailboxfull", false, "retry-slowly" },
    { "552 5.2.2 quota", "552 5.2.2 Quota exceeded (mailbox for user is full)", "", "", 5, "5.2.2", "mailboxfull", false, "retry-slowly" },
    { "552 5.2.3 size", "552 5.2.3 Message exceeds local size limit", "", "", 5, "5.2.3", "mesgtoobig", false, "fix-content" },
    { "552 too big", "552 5.3.4 Message too big for system", "", "", 5, "5.3.4", "mesgtoobig", false, "fix-content" },

    // Blocks, reputation and authentication.
    { "spamhaus listing", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1", "", "", 5, "5.7.1", "blocked", false, "investigate" },
    { "spamcop listing", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using bl.spamcop.net", "", "", 5, "5.7.1", "blocked", false, "investigate" },
    { "client host rejected", "554 5.7.1 <unknown[192.0.2.1]>: Client host rejected: Access denied", "", "", 5, "5.7.1", "blocked", false, "investigate" },
    { "microsoft banned IP", "550 5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/ and follow the directions.", "example-com.mail.protection.outlook.com", "", 5, "5.7.606", "blocked", false, "contact-receiver" },
    { "outlook.com S3150", "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).", "", "hotmail.com", 5, "5.7.1", "blocked", false, "contact-receiver" },
    { "yahoo BL21", "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list; see https://postmaster.yahooinc.com/error-codes", "mta5.am0.yahoodns.net", "", 5, "5.7.1", "blocked", false, "investigate" },
    { "yahoo TSS09 permanent deferral", "421 4.7.0 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes", "mta6.am0.yahoodns.net", "", 4, "4.7.0", "badreputation", false, "contact-receiver" },
    { "poor reputation", "554 5.7.1 Your access to this mail system has been rejected due to the sending MTA's poor reputation.", "", "", 5, "5.7.1", "badreputation", false, "contact-receiver" },
    { "gmail PTR", "550-5.7.25 The IP address sending this message does not have a PTR record setup, or\n550 5.7.25 the corresponding forward DNS entry does not point to the sending IP. - gsmtp", "", "", 5, "5.7.25", "requireptr", false, "fix-configuration" },
    { "postfix no hostname", "450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.1]", "", "", 4, "4.7.25", "requireptr", false, "fix-configuration" },
    { "SPF failed", "550 5.7.23 SPF validation failed for example.com", "", "", 5, "5.7.23", "authfailure", false, "fix-authentication" },
    { "DMARC reject", "550 5.7.1 Email rejected per DMARC policy for example.com", "", "", 5, "5.7.1", "authfailure", false, "fix-authentication" },
    { "microsoft DMARC", "550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject.", "example-com.mail.protection.outlook.com", "", 5, "5.7.509", "authfailure", false, "fix-authentication" },
    { "gmail 421 4.7.26 rate limited unauthenticated", "421-4.7.26 This mail has been rate limited because it is unauthenticated. Gmail requires all\n421 4.7.26 senders to authenticate with either SPF or DKIM. - gsmtp", "", "", 4, "4.7.26", "authfailure", false, "fix-authentication" },
    { "gmail spam", "550-5.7.1 Our system has detected that this message is likely unsolicited mail. To reduce\n550 5.7.1 the amount of spam sent to Gmail, this message has been blocked. - gsmtp", "", "", 5, "5.7.1", "spamdetected", false, "fix-content" },

    // Content.
    { "spam rejected", "554 5.7.1 Spam message rejected", "", "", 5, "5.7.1", "spamdetected", false, "fix-content" },
    { "spam by filter", "550 5.7.1 Message rejected as spam by Content Filtering.", "", "", 5, "5.7.1", "spamdetected", false, "fix-content" },
    { "virus", "554 5.6.1 Message contains a virus (Eicar-Test-Signature)", "", "", 5, "5.6.1", "virusdetected", false, "fix-content" },
    { "not RFC 5322", "550 5.7.1 Message rejected: headers are not RFC 5322 compliant", "", "", 5, "5.7.1", "notcompliantrfc", false, "fix-content" },
    { "duplicate header", "554 5.6.0 Message has duplicate Message-ID header fields", "", "", 5, "5.6.0", "notcompliantrfc", false, "fix-content" },

    // Rates and connections.
    { "too many connections", "421 4.7.0 Too many connections from your IP, try again later", "", "", 4, "4.7.0", "toomanyconn", false, "retry-backoff" },
    { "concurrent connections", "421 4.7.0 Too many concurrent SMTP connections; please try again later", "", "", 4, "4.7.0", "toomanyconn", false, "retry-backoff" },
    { "rate limit", "450 4.7.1 Rate limit exceeded, try again later", "", "", 4, "4.7.1", "speeding", false, "retry-backoff" },
    { "sending too fast", "451 4.7.1 You are sending too fast, slow down", "", "", 4, "4.7.1", "speeding", false, "retry-backoff" },
    { "5.1.1 that says rate limit", "550 5.1.1 Recipient rate limit exceeded", "", "", 5, "5.1.1", "speeding", false, "retry-backoff" },
    { "5xx greylisting", "550 5.7.1 Greylisted, please try again in 300 seconds", "", "", 5, "5.7.1", "systemerror", false, "retry-backoff" },
    { "postgrey", "450 4.7.1 <x@y.example>: Recipient address rejected: Greylisted, see http://postgrey.example/help/y.example.html", "", "", 4, "4.7.1", "systemerror", false, "retry-backoff" },
    { "too many recipients", "452 4.5.3 Error: too many recipients", "", "", 4, "4.5.3", "exceedlimit", false, "retry-backoff" },

    // Sender-side problems.
    { "sender domain not found", "553 5.1.8 <bounce@nonexistent.example>: Sender address rejected: Domain not found", "", "", 5, "5.1.8", "rejected", false, "fix-configuration" },
    { "sender domain not found, 4xx", "450 4.1.8 <bounce@example.com>: Sender address rejected: Domain not found", "", "", 4, "4.1.8", "rejected", false, "fix-configuration" },
    { "sender access denied", "554 5.7.1 <bounce@example.com>: Sender address rejected: Access denied", "", "", 5, "5.7.1", "rejected", false, "fix-configuration" },
    { "relay access denied", "554 5.7.1 <x@other.example>: Relay access denied", "", "", 5, "5.7.1", "norelaying", false, "fix-configuration" },
    { "relaying denied", "550 5.7.1 Relaying denied", "", "", 5, "5.7.1", "norelaying", false, "fix-configuration" },
    { "must issue STARTTLS", "530 5.7.0 Must issue a STARTTLS command first", "", "", 5, "5.7.0", "securityerror", false, "fix-configuration" },
    { "TLS not available", "454 4.7.0 TLS not available due to local problem", "", "", 4, "4.7.0", "failedstarttls", false, "retry-backoff" },
    { "gmail app password", "534-5.7.9 Application-specific password required. Learn more at\n534 5.7.9 https://support.google.com/mail/?p=InvalidSecondFactor - gsmtp", "", "", 5, "5.7.9", "securityerror", false, "fix-authentication" },
    { "microsoft auth unsuccessful", "535 5.7.3 Authentication unsuccessful [BN9PR03CA0123.namprd03.prod.outlook.com]", "", "", 5, "5.7.3", "securityerror", false, "fix-authentication" },

    // Protocol errors.
    { "command unrecognized", "500 5.5.1 Command unrecognized: \"XYZZY\"", "", "", 5, "5.5.1", "syntaxerror", false, "fix-configuration" },
    { "bad sequence", "503 5.5.1 Error: need RCPT command", "", "", 5, "5.5.1", "syntaxerror", false, "fix-configuration" },
    { "not implemented", "502 5.5.1 Command not implemented", "", "", 5, "5.5.1", "syntaxerror", false, "fix-configuration" },
    { "unsupported parameter", "555 5.5.4 Unsupported option: SMTPUTF8", "", "", 5, "5.5.4", "syntaxerror", false, "fix-configuration" },

    // Receiver-side problems.
    { "no answer from host", "451 4.4.1 No answer from host", "", "", 4, "4.4.1", "networkerror", false, "retry-backoff" },
    { "delivery expired", "554 5.4.7 Delivery expired (message too old)", "", "", 5, "5.4.7", "expired", false, "investigate" },
    { "insufficient storage", "452 4.3.1 Insufficient system storage", "", "", 4, "4.3.1", "systemfull", false, "retry-slowly" },
    { "queue file write error", "451 4.3.0 Error: queue file write error", "", "", 4, "4.3.0", "systemerror", false, "retry-backoff" },
    { "mailer error", "550 5.3.0 Mailer error: pipe to |/usr/bin/procmail failed", "", "", 5, "5.3.0", "mailererror", false, "contact-receiver" },
};
// clang-format on

} // namespace

class TestReplyDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void decode_data();
    void decode();
    void evidenceLocatesTheWords();
    void providerScopeFromHostAndDomain();
    void providerRulesNeedTheirProvider();
    void retrySchedules();
    void unknownCodesAreFlagged();
    void hardBounceRule();

private:
    std::optional<ReplyDecoder> m_decoder;
};

void TestReplyDecoder::initTestCase()
{
    const KbLoadResult result = KnowledgeBase::load(KnowledgeBase::builtInSources());
    QVERIFY2(result.ok(), qPrintable(result.errorText()));
    m_decoder.emplace(result.kb);
}

void TestReplyDecoder::decode_data()
{
    QTest::addColumn<int>("index");
    int count = 0;
    for (const Row &row : kRows) {
        if (*row.reply)
            QTest::addRow("%s", row.name) << count;
        ++count;
    }
    QVERIFY(count >= 80);
}

void TestReplyDecoder::decode()
{
    QFETCH(int, index);
    const Row &row = kRows[index];
    const ReplyParseResult parsed = ReplyParser::parse(QString::fromUtf8(row.reply));
    QVERIFY(parsed.errors.isEmpty());
    QCOMPARE(parsed.replies.size(), 1);
    const Decoding d
        = m_decoder->decode(parsed.replies.first(), { QString::fromUtf8(row.host), QString::fromUtf8(row.domain) });

    const EnhancedStatus expected = EnhancedStatus::fromString(QString::fromUtf8(row.status));
    QCOMPARE(d.reply.status.toString(), expected.toString());
    if (expected.isValid()) {
        QCOMPARE(d.reply.status.statusClass, row.replyClass);
        QCOMPARE(d.reply.status.subject, expected.subject);
        QCOMPARE(d.reply.status.detail, expected.detail);
        QVERIFY(d.statusClass && d.subject);
        QCOMPARE(d.statusClass->statusClass, row.replyClass);
        QCOMPARE(d.subject->subject, expected.subject);
    } else {
        QCOMPARE(d.reply.replyClass(), row.replyClass);
    }
    const QString why = d.classification.evidence.summary;
    QVERIFY2(d.classification.reason == QLatin1String(row.reason),
        qPrintable(u"reason %1, expected %2; %3"_qs.arg(d.classification.reason, QLatin1String(row.reason), why)));
    QVERIFY2(d.classification.action == QLatin1String(row.action),
        qPrintable(u"action %1, expected %2; %3"_qs.arg(d.classification.action, QLatin1String(row.action), why)));
    QCOMPARE(d.classification.hard, row.hard);
    QVERIFY(!d.classification.evidence.summary.isEmpty());
    QVERIFY(!d.classification.advice.isEmpty() || d.classification.reason == u"delivered"_qs);
    QCOMPARE(d.classification.retry == u"never"_qs, d.classification.schedule.isEmpty());
}

void TestReplyDecoder::evidenceLocatesTheWords()
{
    const Reply reply
        = ReplyParser::parse(u"550 5.1.1 <a@b.example>: Recipient address rejected: User unknown"_qs).replies.first();
    const Decoding d = m_decoder->decode(reply);
    const Evidence &e = d.classification.evidence;
    QVERIFY(e.source == EvidenceSource::TextRule || e.source == EvidenceSource::EnhancedCode);
    if (e.source == EvidenceSource::TextRule) {
        QVERIFY(e.matchStart >= 0);
        QCOMPARE(reply.text().mid(e.matchStart, e.matchedText.size()), e.matchedText);
        QVERIFY2(e.matchedText.contains(u"unknown"_qs, Qt::CaseInsensitive), qPrintable(e.matchedText));
    }
}

void TestReplyDecoder::providerScopeFromHostAndDomain()
{
    const KnowledgeBase &kb = m_decoder->knowledgeBase();
    QVERIFY(kb.scope(u"gmail-smtp-in.l.google.com."_qs, {}, {}).providerIds.contains(u"gmail"_qs));
    QVERIFY(kb.scope({}, u"GMAIL.com"_qs, {}).providerIds.contains(u"gmail"_qs));
    QVERIFY(kb.scope({}, {}, u"Learn more - gsmtp"_qs).providerIds.contains(u"gmail"_qs));
    QVERIFY(kb.scope(u"contoso-com.mail.protection.outlook.com"_qs, {}, {}).providerIds.contains(u"microsoft365"_qs));
    QVERIFY(kb.scope(u"mta5.am0.yahoodns.net"_qs, {}, {}).providerIds.contains(u"yahoo"_qs));
    QVERIFY(kb.scope(u"mx.example.org"_qs, u"example.org"_qs, u"User unknown"_qs).providerIds.isEmpty());
    const ProviderScope s = kb.scope(u"gmail-smtp-in.l.google.com"_qs, {}, {});
    QCOMPARE(s.why.first(), u"remote host gmail-smtp-in.l.google.com"_qs);
}

void TestReplyDecoder::providerRulesNeedTheirProvider()
{
    // The Yahoo TSS04 text, seen from an unrelated host without Yahoo's markers, must not claim Yahoo.
    const Reply reply = ReplyParser::parse(
        u"421 4.7.0 Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints"_qs)
                            .replies.first();
    const Decoding generic = m_decoder->decode(reply, { u"mx.example.org"_qs, {} });
    QVERIFY(!generic.provider);
    const Decoding yahoo = m_decoder->decode(reply, { u"mta7.am0.yahoodns.net"_qs, {} });
    QVERIFY(yahoo.provider);
    QCOMPARE(yahoo.provider->id, u"yahoo"_qs);
    QCOMPARE(yahoo.classification.evidence.source, EvidenceSource::ProviderRule);

    // Gmail's 2024 wording of 5.7.26 ("This mail is unauthenticated ...") is its own rule, not the generic one.
    const Reply gmail
        = ReplyParser::parse(u"550-5.7.26 This mail is unauthenticated, which poses a security risk to the\r\n"
                             "550-5.7.26 sender and Gmail users, and has been blocked. The sender must\r\n"
                             "550 5.7.26 authenticate with at least one of SPF or DKIM. - gsmtp"_qs)
              .replies.first();
    const Decoding gmailDecoding = m_decoder->decode(gmail, { u"gmail-smtp-in.l.google.com"_qs, {} });
    QVERIFY(gmailDecoding.provider);
    QCOMPARE(gmailDecoding.classification.evidence.ruleId, u"gmail.5.7.26.unauthenticated"_qs);
    QCOMPARE(gmailDecoding.classification.reason, u"authfailure"_qs);
}

void TestReplyDecoder::retrySchedules()
{
    auto decode = [&](const QString &text) {
        return m_decoder->decode(ReplyParser::parse(text).replies.first()).classification;
    };
    const Classification c421 = decode(u"421 mx.example.com"_qs);
    QCOMPARE(c421.retry, u"backoff"_qs);
    QCOMPARE(c421.schedule, (QStringList { u"1 min"_qs, u"5 min"_qs, u"15 min"_qs, u"1 h"_qs, u"4 h"_qs }));
    QCOMPARE(c421.giveUpAfter, u"3 d"_qs);
    const Classification c452 = decode(u"452 Requested action not taken"_qs);
    QCOMPARE(c452.retry, u"slow"_qs);
    QCOMPARE(c452.schedule, (QStringList { u"1 h"_qs, u"6 h"_qs, u"1 d"_qs }));
    const Classification c550 = decode(u"550 5.1.1 nope"_qs);
    QCOMPARE(c550.retry, u"never"_qs);
    QVERIFY(c550.schedule.isEmpty());
}

void TestReplyDecoder::unknownCodesAreFlagged()
{
    const Decoding d = m_decoder->decode(ReplyParser::parse(u"550 5.7.999 Something odd"_qs).replies.first());
    QVERIFY(!d.enhancedCode);
    QVERIFY(d.subject);
    bool flagged = false;
    for (const ReplyIssue &issue : d.issues)
        flagged |= issue.message.contains(u"not in the IANA registry"_qs);
    QVERIFY(flagged);

    const Decoding odd = m_decoder->decode(ReplyParser::parse(u"599 whatever"_qs).replies.first());
    QVERIFY(!odd.replyCode);
    QCOMPARE(odd.classification.reason, u"undefined"_qs);
}

void TestReplyDecoder::hardBounceRule()
{
    QVERIFY(isHardBounce(u"userunknown"_qs, 5));
    QVERIFY(isHardBounce(u"hostunknown"_qs, 5));
    QVERIFY(isHardBounce(u"hasmoved"_qs, 5));
    QVERIFY(isHardBounce(u"notaccept"_qs, 5));
    QVERIFY(!isHardBounce(u"notaccept"_qs, 4));
    QVERIFY(!isHardBounce(u"mailboxfull"_qs, 5));
    QVERIFY(!isHardBounce(u"blocked"_qs, 5));
}

QTEST_GUILESS_MAIN(TestReplyDecoder)
#include "tst_replydecoder.moc"
