#include "bounce/bouncedecoder.h"
#include "bounce/formats/regexmatch.h"

#include "bounce/dsnfields.h"
#include "bounce/formats/amazonses.h"
#include "bounce/formats/bounceformats.h"
#include "bounce/formats/mailtext.h"
#include "bounce/formats/textscanner.h"
#include "bounce/messageparser.h"
#include "util/domain.h"

#include <QRegularExpression>

#include <algorithm>
#include <optional>
#include <tuple>

namespace smtpscope::core {

using namespace bounce;

namespace {

bool isAttachedMessage(const QString &type)
{
    return type == u"message/rfc822" || type == u"message/global";
}

bool isDeliveryStatus(const QString &type)
{
    return type == u"message/delivery-status" || type == u"message/global-delivery-status";
}

bool isDispositionNotification(const QString &type)
{
    return type == u"message/disposition-notification" || type == u"message/global-disposition-notification";
}

bool isFeedbackReport(const QString &type)
{
    return type == u"message/feedback-report";
}

bool isHeadersPart(const QString &type)
{
    return type == u"text/rfc822-headers" || type == u"message/global-headers" || type == u"text/rfc822-header";
}

/// Where the parts that matter are: the report's own parts, not those of a returned original.
struct PartMap
{
    QList<qsizetype> dsn;
    QList<qsizetype> arf;
    QList<qsizetype> headers; ///< text/rfc822-headers and the like
    QList<qsizetype> attached; ///< message/rfc822 and message/global
    QList<qsizetype> plain;
    QList<qsizetype> html;
    QList<qsizetype> nestedDsn; ///< delivery-status parts inside an attached message (a forwarded bounce)
    QList<qsizetype> unwrapped; ///< text parts that are a returned message without its message/rfc822 wrapper
    QList<qsizetype> mdn; ///< message/disposition-notification (RFC 8098)
};

/// A part whose own fields are a message's (Received, Message-ID with From or Subject): the returned original,
/// written into the multipart without a message/rfc822 wrapper.
bool hasMessageFields(const MimePart &p)
{
    const auto has = [&](QStringView name) { return !headerValue(p.headers, name).isEmpty(); };
    return has(u"Received") || (has(u"Message-ID") && (has(u"From") || has(u"Subject")));
}

PartMap mapParts(const ParsedMessage &m)
{
    PartMap map;
    int attachedDepth = -1;
    for (qsizetype i = 0; i < m.parts.size(); ++i) {
        const MimePart &p = m.parts.at(i);
        if (attachedDepth >= 0 && p.depth > attachedDepth) {
            if (isDeliveryStatus(p.contentType))
                map.nestedDsn.append(i);
            continue;
        }
        attachedDepth = -1;
        if (isAttachedMessage(p.contentType)) {
            map.attached.append(i);
            attachedDepth = p.depth;
        } else if (isDeliveryStatus(p.contentType)) {
            map.dsn.append(i);
        } else if (isFeedbackReport(p.contentType)) {
            map.arf.append(i);
        } else if (isDispositionNotification(p.contentType)) {
            map.mdn.append(i);
        } else if (isHeadersPart(p.contentType)) {
            map.headers.append(i);
        } else if (p.depth > 0 && (p.contentType == u"text/plain" || p.contentType == u"text/html")
            && hasMessageFields(p)) {
            map.unwrapped.append(i);
        } else if (p.contentType == u"text/plain" || (p.contentType.isEmpty() && p.depth == 0)) {
            map.plain.append(i);
        } else if (p.contentType == u"text/html") {
            map.html.append(i);
        }
    }
    return map;
}

/// The human-readable report: its text parts (HTML only when there is no plain text).
QString reportText(const ParsedMessage &m, const PartMap &map)
{
    QStringList texts;
    for (qsizetype i : map.plain) {
        if (!m.parts.at(i).text.trimmed().isEmpty())
            texts.append(m.parts.at(i).text);
    }
    if (texts.isEmpty()) {
        // (Only here are HTML parts read: most reports that have one have its plain text too.)
        for (qsizetype i : map.html)
            texts.append(MessageParser::htmlToText(m.parts.at(i).text));
    }
    return texts.join(QStringLiteral("\n\n"));
}

/// Splits the report text where the returned original begins.
QPair<QString, QString> cutAtOriginal(const QString &text)
{
    const Re2Pattern &boundary = BounceSignals::instance().originalBoundary();
    const Re2Pattern::Text utf8(text);
    Re2Pattern::Match m;
    for (qsizetype from = 0; boundary.match(utf8, from, &m);) {
        if (m.start == 0) {
            from = std::max<qsizetype>(m.end, 1); // a report does not begin with its original
            continue;
        }
        const qsizetype lineStart = text.lastIndexOf(u'\n', m.start) + 1;
        return { text.left(lineStart), text.mid(lineStart) };
    }
    return { text, {} };
}

OriginalMessage identityFrom(const HeaderList &h)
{
    OriginalMessage o;
    o.messageId = headerValue(h, u"Message-ID").trimmed();
    o.from = headerValue(h, u"From").trimmed();
    o.to = headerValue(h, u"To").trimmed();
    o.subject = headerValue(h, u"Subject").trimmed();
    o.date = headerValue(h, u"Date").trimmed();
    return o;
}

/// identityFrom(parseHeaderBlock(splitLinesToBlank(text))), reading only the fields it needs.
OriginalMessage identityIn(QStringView text)
{
    using namespace Qt::StringLiterals;
    return identityFrom(parseHeaderFields(text, { "Message-ID"_L1, "From"_L1, "To"_L1, "Subject"_L1, "Date"_L1 }));
}

bool hasIdentity(const OriginalMessage &o)
{
    return !o.messageId.isEmpty() || !o.from.isEmpty() || !o.subject.isEmpty() || !o.to.isEmpty();
}

/// The returned original's header block in free text: the first run of header fields.
HeaderList quotedHeaders(const QString &text)
{
    thread_local const QRegularExpression fieldLine(QStringLiteral(R"(^\s*[A-Za-z][A-Za-z0-9-]*:\s)"));
    // The lines of splitLines(text), cut only as far as they are read: the block is usually near the top.
    QList<QStringView> lines;
    qsizetype pos = 0;
    const auto haveLine = [&](qsizetype k) {
        const qsizetype n = text.size();
        while (lines.size() <= k && pos < n) {
            const qsizetype end = lineEnd(text, pos);
            lines.append(QStringView(text).mid(pos, end - pos));
            pos = end < n && text[end] == u'\r' && end + 1 < n && text[end + 1] == u'\n' ? end + 2 : end + 1;
        }
        return k < lines.size();
    };
    for (qsizetype i = 0; i < 200 && haveLine(i); ++i) {
        const QStringView line = lines.at(i);
        if (!line.contains(u':') || !match(fieldLine, line).hasMatch())
            continue;
        // Quoted copies are sometimes indented as a whole (fml); take the indentation off.
        QStringList block;
        qsizetype lead = 0;
        while (lead < line.size() && line.at(lead).isSpace())
            ++lead;
        for (qsizetype j = i; haveLine(j); ++j) {
            const QStringView l = lines.at(j);
            if (l.trimmed().isEmpty())
                break;
            block.append((lead && l.left(lead).trimmed().isEmpty() ? l.mid(lead) : l).toString());
        }
        const HeaderList h = parseHeaderBlock(block);
        if (!headerValue(h, u"From").isEmpty() || !headerValue(h, u"Message-ID").isEmpty()
            || !headerValue(h, u"Subject").isEmpty())
            return h;
    }
    return {};
}

OriginalMessage findOriginal(const ParsedMessage &m, const PartMap &map, const QString &afterReport)
{
    for (qsizetype i : map.headers) {
        const OriginalMessage o = identityIn(m.parts.at(i).text);
        if (hasIdentity(o))
            return o;
    }
    for (qsizetype i : map.attached) {
        const MimePart &p = m.parts.at(i);
        if (i + 1 < m.parts.size() && m.parts.at(i + 1).depth > p.depth) {
            const OriginalMessage o = identityFrom(m.parts.at(i + 1).headers);
            if (hasIdentity(o))
                return o;
        }
        OriginalMessage o = identityIn(p.text);
        if (hasIdentity(o))
            return o;
        o = identityFrom(quotedHeaders(p.text));
        if (hasIdentity(o))
            return o;
    }
    for (qsizetype i : map.unwrapped) {
        const OriginalMessage o = identityFrom(m.parts.at(i).headers);
        if (hasIdentity(o))
            return o;
    }
    if (!afterReport.isEmpty())
        return identityFrom(quotedHeaders(afterReport));
    return {};
}

bool isPlausibleAddress(const QString &a)
{
    const qsizetype at = a.lastIndexOf(u'@');
    return at > 0 && at < a.size() - 1 && !a.startsWith(u'/') && !a.contains(u' ');
}

Classification fixedClassification(
    const QString &reason, const QString &action, const QString &ruleId, const QString &summary, const QString &advice)
{
    Classification c;
    c.reason = reason;
    c.hard = false;
    c.action = action;
    c.retryPolicy = QStringLiteral("never");
    c.retry = QStringLiteral("never");
    c.advice = advice;
    c.confidence = 0.95;
    c.evidence.source = EvidenceSource::None;
    c.evidence.ruleId = ruleId;
    c.evidence.summary = summary;
    return c;
}

EnhancedStatus statusOrInvalid(const QString &text)
{
    return EnhancedStatus::fromString(text.trimmed());
}

int classOfAction(const QString &action)
{
    if (action == u"failed")
        return 5;
    if (action == u"delayed")
        return 4;
    if (action == u"delivered" || action == u"relayed" || action == u"expanded")
        return 2;
    return 0;
}

bool isGeneric(const EnhancedStatus &s)
{
    return s.isValid() && s.subject == 0 && s.detail == 0;
}

struct Signals
{
    bool sender = false;
    bool subject = false;
    bool body = false;
    bool failedRecipientsHeader = false;
    bool any() const { return sender || subject || body || failedRecipientsHeader; }
};

/// The classification a knowledge-base rule gives, for verdicts the bounce as a whole decides (a transient
/// failure given up on, a recipient refused only after DATA) rather than the words of one reply.
Classification classificationFromRule(
    const KnowledgeBase &kb, const QString &ruleId, const QString &evidenceId, const QString &summary)
{
    Classification c;
    const RuleEntry *rule = kb.rule(ruleId);
    if (!rule)
        return c;
    c.reason = rule->outcome.reason;
    c.hard = isHardBounce(c.reason, 5);
    c.action = rule->outcome.action;
    c.retryPolicy = rule->outcome.retry;
    c.advice = rule->outcome.advice;
    c.confidence = 0.75;
    c.evidence.source = EvidenceSource::None;
    c.evidence.ruleId = evidenceId;
    c.evidence.summary = summary;
    applyRetryPolicy(c, kb);
    return c;
}

/// An expiry notice that quotes the remote host's last reply ("554 4.4.7 Message expired: unable to deliver in
/// 840 minutes.<421 4.4.2 Connection timed out>"): the quoted reply says what kept failing, so its codes are
/// the result's codes. Plain string search, and only for X.4.7 results.
void useQuotedLastReply(DeliveryResult &r)
{
    if (r.status.subject != 4 || r.status.detail != 7)
        return;
    const QString &d = r.diagnostic;
    for (qsizetype lt = d.indexOf(u'<'); lt >= 0 && lt + 5 < d.size(); lt = d.indexOf(u'<', lt + 1)) {
        const QChar c0 = d.at(lt + 1);
        if ((c0 != u'4' && c0 != u'5') || !d.at(lt + 2).isDigit() || !d.at(lt + 3).isDigit()
            || (d.at(lt + 4) != u' ' && d.at(lt + 4) != u'-'))
            continue;
        qsizetype end = d.indexOf(u'>', lt);
        if (end < 0)
            end = d.size();
        const TextReply inner = TextScanner::readReply(QStringView(d).mid(lt + 1, end - lt - 1));
        if (inner.code / 100 != c0.digitValue())
            continue;
        r.replyCode = inner.code;
        if (inner.status.isValid())
            r.status = inner.status;
        return;
    }
}

/// The first 4xx/5xx reply after the start of @p d ("220-banner 421 4.2.1 …" gives the 421 reply), or none.
TextReply replyAfterBanner(const QString &d)
{
    for (qsizetype i = 1; i + 4 < d.size(); ++i) {
        const QChar c = d.at(i);
        if ((c != u'4' && c != u'5') || !d.at(i - 1).isSpace() || !d.at(i + 1).isDigit() || !d.at(i + 2).isDigit()
            || (d.at(i + 3) != u' ' && d.at(i + 3) != u'-'))
            continue;
        const TextReply reply = TextScanner::readReply(QStringView(d).mid(i));
        if (reply.code >= 400)
            return reply;
    }
    return {};
}

DeliveryResult complaintResult(const QString &rcpt, const QString &type, const QString &remote)
{
    DeliveryResult r;
    r.recipient = rcpt;
    r.action = QStringLiteral("delivered");
    r.recipientDomain = addressDomain(rcpt);
    r.remoteMta = remote;
    r.diagnostic = QStringLiteral("Feedback-Type: %1").arg(type);
    r.classification = fixedClassification(QStringLiteral("feedback"), QStringLiteral("suppress"),
        QStringLiteral("arf.%1").arg(type), QStringLiteral("A complaint report with Feedback-Type %1.").arg(type),
        QStringLiteral("The recipient reported the message as unwanted; stop mailing this address and review why it "
                       "complained."));
    return r;
}

bool allEmpty(const QList<DsnFields> &dsns)
{
    return std::all_of(dsns.cbegin(), dsns.cend(), [](const DsnFields &d) { return d.recipients.isEmpty(); });
}

/// A DSN written into a text part (broken MIME, or MTAs that inline it): the block from its per-message
/// group to where the returned original starts.
DsnFields inlineDsn(const QString &text)
{
    constexpr auto options = QRegularExpression::CaseInsensitiveOption | QRegularExpression::MultilineOption;
    thread_local const QRegularExpression firstRecipient(
        QStringLiteral(R"(^\s*(?:Final|Original)-Recipient\s*:)"), options);
    thread_local const QRegularExpression blockStart(
        QStringLiteral(R"(^\s*(?:Reporting-MTA|Original-Envelope-Id|Received-From-MTA|Arrival-Date|Action)\s*:)"),
        options);
    thread_local const QRegularExpression blockEnd(
        QStringLiteral(
            R"(^(?:--|Return-Path:|Received:|Content-Type:|From:|Date:|Message-Id:|To:|Subject:|MIME-Version:|DKIM-Signature:))"),
        options);
    const QRegularExpressionMatch im = match(firstRecipient, text);
    if (!im.hasMatch())
        return {};
    qsizetype start = im.capturedStart();
    // The per-message group starts a little above the first recipient group.
    auto bs = globalMatch(blockStart, text, std::max<qsizetype>(0, start - 2000));
    if (bs.hasNext())
        start = std::min(start, bs.next().capturedStart());
    QString block = text.mid(start);
    const QRegularExpressionMatch em = match(blockEnd, block);
    if (em.hasMatch())
        block.truncate(em.capturedStart());
    return DsnFields::parse(block);
}

/// Decodes one message: the families are tried from the most to the least structured.
class MessageDecoder
{
public:
    MessageDecoder(const BounceDecoder &decoder, const ParsedMessage &message)
        : m_decoder(decoder)
        , m_message(message)
        , m_sig(BounceSignals::instance())
    { }

    BounceReport run()
    {
        m_report.source = m_message.source;
        m_report.index = m_message.index;
        if (m_message.parts.isEmpty() && m_message.headers.isEmpty()) {
            m_report.kind = QStringLiteral("unreadable");
            m_report.note = m_message.note.isEmpty() ? QStringLiteral("empty message") : m_message.note;
            return m_report;
        }
        readFacts();
        if (decodeComplaint() || decodeSesNotification() || decodeDsn() || decodeRejection() || decodeText()
            || decodeDsnWithoutGroups() || decodeAutoReply())
            return m_report;
        // A mail system's message without a recipient we can read is reported, but not as a failure.
        m_report.kind = m_signals.any() ? QStringLiteral("unrecognised bounce") : QStringLiteral("not a bounce");
        m_report.note = QStringLiteral("not a bounce");
        return m_report;
    }

private:
    void readFacts()
    {
        m_from = headerValue(m_message.headers, u"From");
        m_subject = headerValue(m_message.headers, u"Subject");
        m_fromAddress = firstAddress(m_from);
        m_map = mapParts(m_message);
        m_fullText = reportText(m_message, m_map);
        std::tie(m_text, m_afterReport) = cutAtOriginal(m_fullText);
        m_report.original = findOriginal(m_message, m_map, m_afterReport);
        m_failedHeader = addressList(headerValues(m_message.headers, u"X-Failed-Recipients").join(u','));

        // The bounce's own addresses are never the recipients it reports.
        for (const QString &name :
            { QStringLiteral("From"), QStringLiteral("Sender"), QStringLiteral("Return-Path") }) {
            const QString a = firstAddress(headerValue(m_message.headers, name));
            if (!a.isEmpty() && !m_ownAddresses.contains(a, Qt::CaseInsensitive))
                m_ownAddresses.append(a);
        }

        m_signals.sender = m_sig.sender().matches(m_from);
        m_signals.subject = m_sig.subject().matches(m_subject);
        m_signals.failedRecipientsHeader = !m_failedHeader.isEmpty();
        // The body's wording is only needed when nothing cheaper already says "mail system".
        m_signals.body = !m_signals.any() && m_sig.body().matches(m_text);
    }

    /// ARF (RFC 5965) reports, and the providers' complaint formats that predate it.
    bool decodeComplaint()
    {
        if (m_map.arf.isEmpty()) {
            const ComplaintFormat complaint = identifyComplaint(m_from, m_subject);
            if (!complaint.isValid())
                return false;
            QString rcpt;
            for (qsizetype i : m_map.attached) {
                HeaderList h
                    = i + 1 < m_message.parts.size() && m_message.parts.at(i + 1).depth > m_message.parts.at(i).depth
                    ? m_message.parts.at(i + 1).headers
                    : HeaderList();
                if (headerValue(h, complaint.recipientHeader).isEmpty())
                    h = parseHeaderBlock(splitLinesToBlank(m_message.parts.at(i).text));
                rcpt = firstAddress(headerValue(h, complaint.recipientHeader));
                if (!rcpt.isEmpty())
                    break;
            }
            if (rcpt.isEmpty())
                rcpt = firstAddress(m_report.original.to);
            m_report.kind = QStringLiteral("arf");
            m_report.feedbackType = complaint.feedbackType;
            m_report.results.append(complaintResult(rcpt, complaint.feedbackType, QString()));
            return true;
        }
        const HeaderList fields = parseHeaderBlock(splitLinesToBlank(m_message.parts.at(m_map.arf.first()).text));
        m_report.kind = QStringLiteral("arf");
        m_report.feedbackType = headerValue(fields, u"Feedback-Type").trimmed().toLower();
        m_report.reportingMta = DsnFields::typedValue(headerValue(fields, u"Reporting-MTA"), false).value;
        const QString arrival = headerValue(fields, u"Arrival-Date");
        m_report.arrivalDate
            = DsnFields::parseDate(arrival.isEmpty() ? headerValue(fields, u"Received-Date") : arrival);
        QStringList recipients;
        for (const QString &v : headerValues(fields, u"Original-Rcpt-To"))
            recipients += addressList(v);
        if (recipients.isEmpty()) {
            for (const QString &v : headerValues(fields, u"Removal-Recipient"))
                recipients += addressList(v);
        }
        if (recipients.isEmpty())
            recipients = addressList(m_report.original.to);
        if (recipients.isEmpty())
            recipients.append(QString());
        const QString type = m_report.feedbackType.isEmpty() ? QStringLiteral("abuse") : m_report.feedbackType;
        for (const QString &rcpt : std::as_const(recipients))
            m_report.results.append(complaintResult(rcpt, type, m_report.reportingMta));
        return true;
    }

    /// Amazon SES notifications carry their results as JSON.
    bool decodeSesNotification()
    {
        if (!m_fromAddress.contains(QLatin1String("amazonaws.com"), Qt::CaseInsensitive) && !m_text.startsWith(u'{'))
            return false;
        const SesNotification ses = readSesNotification(m_fullText);
        if (!ses.isValid() || ses.recipients.isEmpty())
            return false;
        m_report.kind = QStringLiteral("non-standard:AmazonSES");
        m_report.reportingMta = ses.reportingMta;
        m_report.feedbackType = ses.feedbackType;
        m_report.original = { ses.messageId, ses.from, ses.to, ses.subject, ses.date };
        for (const SesRecipient &s : ses.recipients) {
            if (s.action == u"complaint") {
                m_report.results.append(complaintResult(
                    s.address, ses.feedbackType.isEmpty() ? QStringLiteral("abuse") : ses.feedbackType, QString()));
                continue;
            }
            DeliveryResult r;
            r.recipient = s.address;
            r.remoteMta = s.remoteMta;
            r.action = s.action;
            r.status = statusOrInvalid(s.status);
            r.diagnostic = s.diagnostic;
            const TextReply reply = TextScanner::readReply(s.diagnostic);
            r.replyCode = reply.code;
            if ((!r.status.isValid() || isGeneric(r.status)) && reply.status.isValid())
                r.status = reply.status;
            m_decoder.classify(r);
            m_report.results.append(r);
        }
        return true;
    }

    /// A message disposition notification (RFC 8098) that says the message was deleted automatically: how Sieve's
    /// "reject" (RFC 5429) and delivery agents such as Dovecot's refuse a message after accepting it. Other
    /// dispositions (displayed, processed…) are read receipts, not failures.
    bool decodeRejection()
    {
        if (m_map.mdn.isEmpty())
            return false;
        const HeaderList fields = parseHeaderBlock(splitLinesToBlank(m_message.parts.at(m_map.mdn.first()).text));
        // "automatic-action/MDN-sent-automatically; deleted" (the action mode, then the disposition type)
        const QString disposition = headerValue(fields, u"Disposition").simplified();
        const qsizetype semicolon = disposition.indexOf(u';');
        const QStringView mode = QStringView(disposition).left(semicolon).trimmed();
        const QStringView type = QStringView(disposition).mid(semicolon + 1).trimmed();
        if (semicolon < 0 || !mode.startsWith(u"automatic-action", Qt::CaseInsensitive)
            || !type.startsWith(u"deleted", Qt::CaseInsensitive))
            return false;
        DeliveryResult r;
        r.recipient = DsnFields::typedValue(headerValue(fields, u"Final-Recipient"), true).value;
        r.originalRecipient = DsnFields::typedValue(headerValue(fields, u"Original-Recipient"), true).value;
        if (r.recipient.isEmpty())
            r.recipient = firstAddress(m_report.original.to);
        r.action = QStringLiteral("failed");
        const TextFinding *f = findingFor(r.recipient);
        r.diagnostic = f ? f->diagnostic : TextScanner::withoutBoilerplate(m_text);
        const TextReply reply = TextScanner::readReply(r.diagnostic);
        r.replyCode = reply.code;
        r.status = reply.status.isValid() ? reply.status : TextScanner::findStatus(r.diagnostic, 5);
        if (!r.status.isValid())
            r.status = EnhancedStatus { 5, 0, 0 };
        m_decoder.classify(r);
        const EvidenceSource source = r.classification.evidence.source;
        if (source != EvidenceSource::TextRule && source != EvidenceSource::ProviderRule) {
            // Words no rule knows ("I do not accept messages from you."): the recipient's own filter refused it.
            r.classification = classificationFromRule(m_decoder.replyDecoder().knowledgeBase(),
                QStringLiteral("text.filtered.message-filtered"), QStringLiteral("mdn.filtered.deleted"),
                QStringLiteral("The recipient's mail system accepted the message, then deleted it automatically "
                               "(disposition \"%1\"): a filter of the recipient, such as a Sieve \"reject\", "
                               "refused it.")
                    .arg(disposition));
        }
        m_report.kind = QStringLiteral("mdn");
        if (m_report.original.messageId.isEmpty())
            m_report.original.messageId = headerValue(fields, u"Original-Message-ID").trimmed();
        m_report.reportingMta = headerValue(fields, u"Reporting-UA").section(u';', 0, 0).trimmed();
        m_report.results.append(r);
        return true;
    }

    /// What the human-readable part says about @p address, if it names it.
    const TextFinding *findingFor(const QString &address) const
    {
        for (const TextFinding &f : scanned().findings) {
            if (f.recipient.compare(address, Qt::CaseInsensitive) == 0
                || f.originalRecipient.compare(address, Qt::CaseInsensitive) == 0)
                return &f;
        }
        // A DSN that reports one recipient while the text names one: the same recipient, differently written.
        return scanned().findings.size() == 1 ? &scanned().findings.first() : nullptr;
    }

    /// RFC 3464 / RFC 6533 delivery status notifications, also when forwarded or written inline.
    bool decodeDsn()
    {
        QList<DsnFields> dsns;
        for (qsizetype i : m_map.dsn)
            dsns.append(DsnFields::parse(m_message.parts.at(i).text));
        if (allEmpty(dsns)) {
            const DsnFields inlined = inlineDsn(m_fullText);
            if (!inlined.recipients.isEmpty())
                dsns = { inlined };
        }
        if (allEmpty(dsns)) {
            dsns.clear();
            for (qsizetype i : m_map.nestedDsn)
                dsns.append(DsnFields::parse(m_message.parts.at(i).text));
        }
        if (allEmpty(dsns))
            return false;

        qsizetype recipientCount = 0;
        for (const DsnFields &dsn : std::as_const(dsns))
            recipientCount += dsn.recipients.size();
        for (const DsnFields &dsn : std::as_const(dsns)) {
            if (m_report.reportingMta.isEmpty())
                m_report.reportingMta = dsn.message.reportingMta.value;
            if (!m_report.arrivalDate.isValid())
                m_report.arrivalDate = DsnFields::parseDate(dsn.message.arrivalDate);
            if (m_report.original.messageId.isEmpty() && !dsn.message.originalMessageId.isEmpty())
                m_report.original.messageId = dsn.message.originalMessageId;
            for (const DsnRecipientFields &g : dsn.recipients)
                m_report.results.append(dsnResult(g, dsn.recipients.size(), recipientCount));
        }
        m_report.kind = QStringLiteral("dsn");
        return true;
    }

    DeliveryResult dsnResult(const DsnRecipientFields &g, qsizetype groupSize, qsizetype recipientCount) const
    {
        DeliveryResult r;
        r.recipient = g.recipient();
        r.originalRecipient = g.originalRecipient.value;
        r.action = g.action;
        r.remoteMta = g.remoteMta.value;
        r.diagnostic = g.diagnosticCode.value;
        r.diagnosticType = g.diagnosticCode.type;
        r.lastAttempt = DsnFields::parseDate(g.lastAttemptDate);
        r.willRetryUntil = DsnFields::parseDate(g.willRetryUntil);
        const EnhancedStatus fieldStatus = statusOrInvalid(g.status);

        // What the text says about this recipient, looked up only where the fields leave a question open.
        std::optional<const TextFinding *> lookedUp;
        const auto finding = [&]() {
            if (!lookedUp)
                lookedUp = findingFor(r.recipient);
            return *lookedUp;
        };
        if (!isPlausibleAddress(r.recipient)) {
            // "@mx.example.org", a mailbox path: the text, X-Failed-Recipients or the original say who.
            lookedUp = scanned().findings.size() == 1 ? &scanned().findings.first() : nullptr;
            const QStringList originalTo = addressList(m_report.original.to);
            QString better = finding() ? finding()->recipient : QString();
            if (better.isEmpty() && m_failedHeader.size() == 1)
                better = m_failedHeader.first();
            if (better.isEmpty() && groupSize == 1 && originalTo.size() == 1)
                better = originalTo.first();
            if (!better.isEmpty())
                r.recipient = better;
        }

        TextReply reply = TextScanner::readReply(r.diagnostic);
        if (!reply.code && !r.diagnostic.isEmpty())
            reply = TextScanner::findReply(splitLines(r.diagnostic));
        // A diagnostic that says nothing the text does not say better ("X-Postfix; …" without a code), or one
        // left in a 7-bit escape charset (ISO-2022-JP in a DSN field, which declares no charset) while the
        // human-readable part, which does, says the same decoded.
        const bool undecoded
            = r.diagnostic.contains(QChar(0x1b)) && finding() && !finding()->diagnostic.contains(QChar(0x1b));
        if ((!reply.code && finding() && finding()->replyCode) || (r.diagnostic.isEmpty() && finding())
            || (!reply.code && undecoded)) {
            r.diagnostic = finding()->diagnostic;
            reply = TextScanner::readReply(r.diagnostic);
        }
        // A multi-line reply folded into the field keeps its code on every line ("550-5.7.26 … 550-5.7.26 …"): shown
        // once, as the reply reads it from the field's start.
        if (reply.folded && r.diagnostic.startsWith(QString::number(reply.code)))
            r.diagnostic = reply.text;
        r.replyCode = reply.code;
        EnhancedStatus diagStatus = reply.status;
        if (!diagStatus.isValid() && !reply.code)
            diagStatus = TextScanner::findStatus(r.diagnostic, fieldStatus.statusClass);
        // Status: the remote's own code in the diagnostic when it states one; the Status field is often a
        // coarser summary ("5.0.0") or the reporting MTA's guess.
        if (diagStatus.isValid() && !isGeneric(diagStatus))
            r.status = diagStatus;
        else if (fieldStatus.isValid() && !isGeneric(fieldStatus))
            r.status = fieldStatus;
        else
            r.status = diagStatus.isValid() ? diagStatus : fieldStatus;
        if (r.status.subject == 4 && r.status.detail == 7 && !r.diagnostic.contains(u'<'))
            useLastReplyInText(r);
        if (r.remoteMta.isEmpty()) {
            r.remoteMta = TextScanner::findRemoteHost(r.diagnostic);
            if (r.remoteMta.isEmpty() && finding())
                r.remoteMta = finding()->remoteMta;
        }
        r.failedCommand = TextScanner::findCommand(r.diagnostic);
        if (r.failedCommand.isEmpty() && finding())
            r.failedCommand = finding()->command;
        if (r.failedCommand.isEmpty() && recipientCount == 1)
            r.failedCommand = reportCommand();
        // With pipelining, Sendmail shows RCPT errors after ">>> DATA"; an X.1.x status names the address.
        // The same when the server's DATA reply says that no recipient was left ("554 5.5.1 no valid recipients").
        if (r.failedCommand == u"DATA"
            && (fieldStatus.subject == 1 || diagStatus.subject == 1
                || m_text.contains(u"no valid recipients", Qt::CaseInsensitive)))
            r.failedCommand = QStringLiteral("RCPT");
        if (r.action.isEmpty()) {
            const int cls = r.status.isValid() ? r.status.statusClass : r.replyCode / 100;
            r.action = cls == 2 ? QStringLiteral("delivered")
                                : (cls == 4 && delayWording() ? QStringLiteral("delayed") : QStringLiteral("failed"));
        }
        // Delivered to a program ("X-Actual-Recipient: |procmail …"): without a diagnostic, the report's own
        // transcript line about it says what the program answered.
        const bool program = g.actualRecipient.value.trimmed().startsWith(u'|');
        if (program && r.diagnostic.isEmpty() && recipientCount == 1) {
            const EnhancedStatus stated = r.status;
            useReportWording(r);
            if (stated.isValid() && (!r.status.isValid() || isGeneric(r.status)))
                r.status = stated;
        }
        m_decoder.classify(r);
        if (program && r.action == u"failed" && r.classification.evidence.source != EvidenceSource::ProviderRule) {
            // The local delivery program failed, whatever the words: the cause is on the receiving host.
            r.classification = classificationFromRule(m_decoder.replyDecoder().knowledgeBase(),
                QStringLiteral("text.mailererror.mailer-error"), QStringLiteral("bounce.mailererror.program"),
                QStringLiteral("Delivery went to a program (%1), and the program failed.")
                    .arg(g.actualRecipient.value.trimmed().left(80)));
        }
        return r;
    }

    /// An expiry (X.4.7) whose human-readable report lists the remote's replies after the expiry line
    /// ("returned '550 4.4.7 QUEUE.Expired' … returned '441 4.4.1 Error encountered while communicating …'"):
    /// the transient reply that kept failing is the more specific status.
    void useLastReplyInText(DeliveryResult &r) const
    {
        const QString code = r.status.toString();
        const qsizetype at = m_text.indexOf(code);
        if (at < 0)
            return;
        const qsizetype lineEnd = m_text.indexOf(u'\n', at);
        if (lineEnd < 0)
            return;
        const QStringList next = splitLines(QStringView(m_text).mid(lineEnd + 1, 600)).mid(0, 4);
        const TextReply later = TextScanner::findReply(next);
        if (later.code / 100 == 4 && later.status.isValid() && later.status.statusClass == 4
            && later.status != r.status)
            r.status = later.status;
    }

    /// The free-text bounces of other MTAs, read by the generic scanner.
    bool decodeText()
    {
        if (!m_signals.any())
            return false;
        QList<TextFinding> findings = scanned().findings;
        if (findings.isEmpty()) {
            for (const QString &a : m_failedHeader) {
                TextFinding f;
                f.recipient = a;
                findings.append(f);
            }
        }
        if (findings.isEmpty() && m_signals.sender && m_signals.subject && scanned().preambleReply.code >= 400) {
            // A mail system's report that states a failure but names no address ("421 example.com (smtp)...
            // Deferred"): when the returned message went to exactly one address, that is the recipient.
            const QStringList to = addressList(m_report.original.to);
            if (to.size() == 1) {
                TextFinding f;
                f.recipient = to.first();
                findings.append(f);
            }
        }
        if (findings.isEmpty())
            return false;
        const QString format = identifyFormat(m_from, m_subject, m_text);
        const QString explanation = formatExplanation(format);
        for (const TextFinding &f : std::as_const(findings)) {
            DeliveryResult r;
            r.recipient = f.recipient;
            r.originalRecipient = f.originalRecipient;
            r.diagnostic = f.diagnostic;
            r.replyCode = f.replyCode;
            r.status = f.status;
            r.remoteMta = f.remoteMta;
            r.failedCommand = f.command;
            // A reply stated once above a list of recipients applies to each of them.
            if (!f.hasCodes() && scanned().preambleReply.code && (r.diagnostic.isEmpty() || findings.size() == 1)) {
                r.diagnostic = scanned().preambleReply.text;
                r.replyCode = scanned().preambleReply.code;
                r.status = scanned().preambleReply.status;
            }
            if (r.diagnostic.isEmpty())
                useReportWording(r);
            if (r.remoteMta.isEmpty())
                r.remoteMta = TextScanner::findRemoteHost(r.diagnostic);
            if (r.failedCommand.isEmpty())
                r.failedCommand = TextScanner::findCommand(r.diagnostic);
            if (r.failedCommand.isEmpty() && findings.size() == 1)
                r.failedCommand = reportCommand();
            if (!explanation.isEmpty() && !r.replyCode && !r.status.isValid())
                r.diagnostic = explanation + u' ' + r.diagnostic;
            const int cls = r.replyCode ? r.replyCode / 100 : r.status.statusClass;
            r.action = cls == 2 ? QStringLiteral("delivered")
                                : (delayWording() && cls != 5 ? QStringLiteral("delayed") : QStringLiteral("failed"));
            m_decoder.classify(r);
            if (!r.replyCode && !f.inlineMention
                && (r.classification.reason == u"onhold" || r.classification.reason == u"undefined"))
                usePreambleReason(r);
            // An address merely mentioned in a sentence, with no code and no wording any rule explains, is
            // not evidence of a failure ("target mail address: a@b").
            const EvidenceSource source = r.classification.evidence.source;
            if (f.inlineMention && !f.hasCodes() && !r.replyCode && source != EvidenceSource::TextRule
                && source != EvidenceSource::ProviderRule && !m_sig.body().matches(f.mention))
                continue;
            m_report.results.append(r);
        }
        if (m_report.results.isEmpty())
            return false;
        m_report.reportingMta = reportingHost(m_text);
        if (m_report.reportingMta.isEmpty() && m_signals.sender) {
            // MAILER-DAEMON@host: the mail system signs with its own host name.
            const QString host = addressDomain(m_fromAddress);
            if (host.contains(u'.'))
                m_report.reportingMta = host;
        }
        m_report.kind = QStringLiteral("non-standard:%1").arg(format.isEmpty() ? QStringLiteral("unknown") : format);
        return true;
    }

    /// A recipient whose own words explain nothing ("The following recipients did not receive this message:")
    /// while the report says why above the list ("Your message was not delivered within 0 days and 1 hours"):
    /// the report's reason applies to it.
    void usePreambleReason(DeliveryResult &r) const
    {
        const QString preamble = TextScanner::withoutBoilerplate(scanned().preamble);
        if (preamble.isEmpty() || r.diagnostic.contains(preamble))
            return;
        DeliveryResult withReport = r;
        withReport.diagnostic = preamble.contains(r.diagnostic.simplified())
            ? preamble.left(1000)
            : QString(preamble.left(1000) + u' ' + r.diagnostic).trimmed();
        m_decoder.classify(withReport);
        const EvidenceSource source = withReport.classification.evidence.source;
        if (source == EvidenceSource::TextRule || source == EvidenceSource::ProviderRule)
            r = withReport;
    }

    /// When only a header named the recipient: the report's first reply, or its wording, explains it.
    void useReportWording(DeliveryResult &r) const
    {
        const TextReply any = TextScanner::findReply(splitLines(m_text));
        if (any.code) {
            r.diagnostic = any.text;
            r.replyCode = any.code;
            r.status = any.status;
        } else {
            r.diagnostic = TextScanner::withoutBoilerplate(scanned().preamble).left(1000);
            r.status = TextScanner::findStatus(r.diagnostic);
        }
    }

    /// A DSN that lost its per-recipient groups ("Delivery report unavailable"): the original's recipients.
    bool decodeDsnWithoutGroups()
    {
        const bool dsnMessage = !m_map.dsn.isEmpty()
            || headerParameter(headerValue(m_message.headers, u"Content-Type"), u"report-type")
                    .compare(u"delivery-status", Qt::CaseInsensitive)
                == 0;
        if (!dsnMessage)
            return false;
        for (const QString &a : addressList(m_report.original.to)) {
            DeliveryResult r;
            r.recipient = a;
            r.action = delayWording() ? QStringLiteral("delayed") : QStringLiteral("failed");
            useReportWording(r);
            m_decoder.classify(r);
            m_report.results.append(r);
        }
        if (m_report.results.isEmpty())
            return false;
        m_report.kind = QStringLiteral("dsn");
        return true;
    }

    /// RFC 3834 automatic replies: not failures, unless they say the mailbox is gone.
    bool decodeAutoReply()
    {
        const bool autoReply = headerValue(m_message.headers, u"Auto-Submitted")
                                   .trimmed()
                                   .startsWith(u"auto-replied", Qt::CaseInsensitive)
            || !headerValue(m_message.headers, u"X-Autoreply").isEmpty()
            || !headerValue(m_message.headers, u"X-Autorespond").isEmpty()
            || headerValue(m_message.headers, u"Precedence").trimmed().compare(u"auto_reply", Qt::CaseInsensitive) == 0
            || m_sig.autoReplySubject().matches(m_subject);
        // A mail system's notice is never an autoresponder's reply, whatever its headers say.
        if (!autoReply || m_signals.sender)
            return false;
        m_report.kind = QStringLiteral("auto-reply");
        m_report.note = QStringLiteral("auto-reply");
        DeliveryResult r;
        r.recipient = m_fromAddress;
        r.recipientDomain = addressDomain(m_fromAddress);
        r.action = QStringLiteral("delivered");
        r.diagnostic = m_fullText.simplified().left(500);
        // An autoresponder that announces a closed or moved mailbox is as good as a hard bounce.
        const Classification said = m_decoder.replyDecoder().classify(r.diagnostic, 0, EnhancedStatus { 5, 0, 0 });
        if (said.evidence.source == EvidenceSource::TextRule
            && (said.reason == u"suspend" || said.reason == u"hasmoved" || said.reason == u"userunknown")) {
            r.status = EnhancedStatus { 5, 0, 0 };
            r.classification = said;
        } else {
            r.classification = fixedClassification(QStringLiteral("vacation"), QStringLiteral("none"),
                QStringLiteral("rfc3834.auto-reply"),
                QStringLiteral("An automatic reply (RFC 3834): the message was delivered."),
                QStringLiteral("Nothing to do: the recipient's autoresponder answered."));
        }
        m_report.results.append(r);
        return true;
    }

    /// What the human-readable text says per recipient, read on first use: a DSN whose fields say everything
    /// needs no reading of the text, and that reading is the costliest step of most messages.
    const TextScanner::Result &scanned() const
    {
        // The command the whole report names is needed only for some single-recipient reports: reportCommand().
        if (!m_scanned)
            m_scanned = TextScanner::scan(m_text, m_ownAddresses, false);
        return *m_scanned;
    }

    /// Whether the subject or the report's opening words speak of a delay rather than a failure.
    bool delayWording() const
    {
        if (!m_delayWording) {
            m_delayWording = m_sig.delay().matches(m_subject)
                || (m_sig.delay().matches(scanned().preamble) && !m_sig.permanent().matches(scanned().preamble));
        }
        return *m_delayWording;
    }

    /// The SMTP command the whole report names ("… while talking to x: >>> DATA"), found on first use.
    const QString &reportCommand() const
    {
        if (!m_reportCommand)
            m_reportCommand = TextScanner::findCommand(m_text);
        return *m_reportCommand;
    }

    const BounceDecoder &m_decoder;
    const ParsedMessage &m_message;
    const BounceSignals &m_sig;
    BounceReport m_report;
    QString m_from;
    QString m_subject;
    QString m_fromAddress;
    PartMap m_map;
    QString m_fullText; ///< the report's text parts
    QString m_text; ///< the same, cut where the returned original begins
    QString m_afterReport;
    QStringList m_failedHeader; ///< X-Failed-Recipients
    QStringList m_ownAddresses; ///< From, Sender and Return-Path: never a recipient
    mutable std::optional<TextScanner::Result> m_scanned; ///< see scanned()
    mutable std::optional<QString> m_reportCommand;
    mutable std::optional<bool> m_delayWording;
    Signals m_signals;
};

} // namespace

BounceDecoder::BounceDecoder(std::shared_ptr<const KnowledgeBase> kb)
    : m_decoder(std::move(kb))
{ }

BounceReport BounceDecoder::decode(const ParsedMessage &message) const
{
    BounceReport report = MessageDecoder(*this, message).run();
    for (DeliveryResult &r : report.results) {
        // The receiving organisation, for grouping: its recipient domains and MX hosts share it.
        if (r.recipientDomain.isEmpty())
            r.recipientDomain = addressDomain(r.recipient);
        r.registrableDomain = registrableDomain(r.recipientDomain);
    }
    return report;
}

void BounceDecoder::classify(DeliveryResult &r) const
{
    if (r.recipientDomain.isEmpty())
        r.recipientDomain = addressDomain(r.recipient);

    // What the rules read: the diagnostic without its codes, as Reply::text() would give it.
    QString bare = r.diagnostic;
    if (!bare.isEmpty()) {
        TextReply reply = TextScanner::readReply(bare);
        if (reply.code && reply.code < 400 && (r.action == u"failed" || r.action == u"delayed")) {
            // A failed recipient's diagnostic that starts with a success code quotes a banner or greeting
            // before the real answer ("220-mx.example 421 4.2.1 Service refused"): take the first 4xx/5xx.
            const TextReply answer = replyAfterBanner(r.diagnostic);
            if (answer.code) {
                reply = answer;
                r.replyCode = answer.code;
                if (answer.status.isValid())
                    r.status = answer.status;
            }
        }
        if (reply.code) {
            bare = reply.bareText;
            if (!r.replyCode)
                r.replyCode = reply.code;
        } else {
            thread_local const QRegularExpression leadingStatus(QStringLiteral(R"(^\s*#?[245]\.\d{1,3}\.\d{1,3}\s+)"));
            bare.remove(leadingStatus);
        }
    }
    useQuotedLastReply(r);
    const bool statusStated = r.status.isValid();
    if (!r.status.isValid()) {
        int cls = r.replyCode ? r.replyCode / 100 : classOfAction(r.action);
        if (cls == 4 && r.action == u"failed" && !r.replyCode)
            cls = 5;
        // "retry timeout exceeded" (Exim): the failures before the give-up were temporary ones.
        if (!r.replyCode && r.diagnostic.contains(u"retry timeout exceeded", Qt::CaseInsensitive))
            cls = 4;
        if (cls >= 2 && cls <= 5 && cls != 3)
            r.status = EnhancedStatus { cls, 0, 0 };
    }

    Reply reply;
    reply.code = r.replyCode;
    reply.status = r.status;
    reply.textLines = { bare };
    const Decoding d = m_decoder.decode(reply, DecodeContext { r.remoteMta, r.recipientDomain });
    r.classification = d.classification;
    if (!d.scope.providerIds.isEmpty())
        r.provider = d.scope.providerIds.first();

    const QString &reason = r.classification.reason;
    // Rules that say the destination could not be reached at all (no SMTP reply came back).
    static const QStringList unreachable = { QStringLiteral("text.networkerror.connection-timeout"),
        QStringLiteral("text.networkerror.connection-refused"), QStringLiteral("text.networkerror.no-answer"),
        QStringLiteral("text.networkerror.hosts-failing"), QStringLiteral("text.networkerror.no-route") };
    const bool unreached = unreachable.contains(r.classification.evidence.ruleId);
    const bool noRoute = r.classification.evidence.ruleId == u"text.networkerror.no-route";
    // (A 4xx code with such words is the MTA's own note of the failed connection, "421 host (smtp)... Deferred:
    // Connection timed out", not a remote reply.)
    if (r.action == u"failed"
        && ((!r.replyCode && r.status.statusClass == 4 && (reason == u"onhold" || reason == u"undefined"))
            || ((!r.replyCode || r.replyCode / 100 == 4) && r.status.statusClass == 4 && unreached)
            || (!r.replyCode && !statusStated && unreached))) {
        // The MTA gave up on a destination it could not reach: the message expired in its queue.
        r.classification = classificationFromRule(m_decoder.knowledgeBase(),
            QStringLiteral("text.expired.retry-timeout"), QStringLiteral("bounce.expired.gave-up"),
            QStringLiteral("The reporting MTA gave up after retrying a temporary failure (%1, action failed): the "
                           "message expired in its queue.")
                .arg(r.status.toString()));
    } else if ((r.failedCommand == u"CONN" || r.failedCommand == u"HELO" || r.failedCommand == u"EHLO")
        && (reason == u"undefined" || reason == u"onhold" || reason == u"userunknown" || reason == u"hostunknown")) {
        // Refused before MAIL FROM: the verdict is about the connecting host, not about any address.
        r.classification = classificationFromRule(m_decoder.knowledgeBase(),
            QStringLiteral("text.blocked.client-host-rejected"), QStringLiteral("bounce.blocked.before-mail"),
            QStringLiteral("The receiver refused the session at %1, before any address was sent: it blocks the "
                           "sending host.")
                .arg(r.failedCommand));
    } else if (r.failedCommand == u"MAIL"
        && (reason == u"undefined" || reason == u"userunknown" || reason == u"hostunknown"
            || (r.status.statusClass == 5
                && (r.classification.evidence.source == EvidenceSource::EnhancedCode
                    || r.classification.evidence.source == EvidenceSource::ReplyCode)))) {
        // A refusal of MAIL FROM is about the sender's address, whatever words (or bare codes) it uses.
        r.classification = classificationFromRule(m_decoder.knowledgeBase(),
            QStringLiteral("text.rejected.sender-address-rejected"), QStringLiteral("bounce.rejected.at-mail-from"),
            QStringLiteral("The receiver refused MAIL FROM: the sender address or its domain was rejected."));
    } else if (r.diagnosticType == u"x-unix" && !r.replyCode
        && ((r.classification.evidence.source != EvidenceSource::TextRule
                && r.classification.evidence.source != EvidenceSource::ProviderRule)
            || reason == u"systemerror" || reason == u"onhold")) {
        // An "X-Unix" diagnostic is the exit status of a local delivery program, not a remote reply; generic
        // words ("temporary failure") say no more than that the program failed.
        r.classification = classificationFromRule(m_decoder.knowledgeBase(),
            QStringLiteral("text.mailererror.mailer-error"), QStringLiteral("bounce.mailererror.x-unix"),
            QStringLiteral("The local delivery program failed (X-Unix; %1).").arg(r.diagnostic));
    } else if (r.action == u"delayed" && (reason == u"onhold" || reason == u"undefined" || (unreached && !noRoute))) {
        // A delay notice about a destination that does not answer, or with no reason any rule knows: the
        // message waits in the sender's queue and expires there if the destination keeps failing.
        const QString before = r.classification.evidence.summary;
        r.classification = classificationFromRule(m_decoder.knowledgeBase(),
            QStringLiteral("text.expired.still-retrying"), QStringLiteral("bounce.expired.delayed"),
            QStringLiteral("A delay notice (action delayed, %1): the reporting MTA keeps retrying and the message "
                           "expires in its queue if the destination keeps failing. %2")
                .arg(r.status.toString(), before)
                .trimmed());
    } else if (reason == u"undefined" && r.action == u"failed" && !r.replyCode && !bare.trimmed().isEmpty()
        && !BounceSignals::instance().body().matches(bare)) {
        // Words without a code that no rule explains: the failure has a cause we cannot name yet, which is
        // "onhold" (look at it), not "undefined" (nothing was said, or only the report's own boilerplate
        // such as "delivery to the following recipients failed").
        r.classification.reason = QStringLiteral("onhold");
        r.classification.evidence.source = EvidenceSource::None;
        r.classification.evidence.matchedText.clear();
        r.classification.evidence.matchStart = -1;
        r.classification.evidence.ruleId = QStringLiteral("bounce.onhold.unexplained");
        r.classification.evidence.summary
            = QStringLiteral("The report gives a reason (\"%1\") that no rule explains, and no reply code.")
                  .arg(bare.simplified().left(80));
    } else if (reason == u"userunknown" && r.failedCommand == u"DATA" && r.status.subject != 1
        && r.classification.evidence.source != EvidenceSource::ProviderRule) {
        // (An X.1.x status names the address itself: with pipelining, Sendmail reports RCPT errors after DATA.)
        // The address was accepted at RCPT; refusing it after DATA is a filter's verdict on the content.
        r.classification = classificationFromRule(m_decoder.knowledgeBase(),
            QStringLiteral("text.filtered.message-filtered"), QStringLiteral("bounce.filtered.after-data"),
            QStringLiteral("\"%1\" came in reply to DATA, after the recipient had been accepted: a filter refused "
                           "the message; the address exists.")
                .arg(r.diagnostic.left(80)));
    } else if (reason == u"userunknown" && r.failedCommand != u"RCPT" && r.status.statusClass == 5
        && r.status.subject == 7 && r.classification.evidence.source != EvidenceSource::ProviderRule) {
        // The code names a policy refusal (X.7.x) and only the words speak of an unknown user, not in answer to
        // RCPT: filtering gateways word their refusals so, to hide which addresses exist.
        r.classification = classificationFromRule(m_decoder.knowledgeBase(),
            QStringLiteral("text.filtered.message-filtered"), QStringLiteral("bounce.filtered.policy-code"),
            QStringLiteral("\"%1\" says the user is unknown, but its code %2 is a policy refusal, and it "
                           "did not answer RCPT: a filter refused the message.")
                .arg(r.diagnostic.left(80), r.status.toString()));
    }
}

} // namespace smtpscope::core
