#include "transcript/asciitext.h"
#include "transcript/parsers/dialectparsers.h"
#include "transcript/parsers/postfixcommon.h"

#include <QHash>

#include <limits>
#include <optional>

namespace smtpscope::core::parsers {

namespace {

using Kind = ProtocolLine::Kind;
using Event = ProtocolLine::Event;

} // namespace

int PostfixLogParser::score(const QList<SourceLine> &sample) const
{
    static const QRegularExpression postfix(QStringLiteral("postfix[\\w-]*(/[\\w.-]+)*/[a-z]+\\[\\d+\\]: "));
    static const QRegularExpression status(
        QStringLiteral("status=(sent|bounced|deferred|expired)|dsn=\\d\\.\\d+\\.\\d+|: (milter-)?reject: "));
    const int lines = countMatching(sample, postfix, 50);
    if (lines == 0)
        return 0;
    return std::min(80, 50 + lines + 10 * countMatching(sample, status, 3));
}

namespace {

bool isPostfixEntry(const SourceLineView &l)
{
    return !l.host.isEmpty() || parsePostfixLine(l.text).ok;
}

// Reads a mail log line by line. Held back: the last entry (the next lines may be its hard-wrapped
// rest, as unwrapEntries joins them) and the lines of a process that wait for its next queue id.
class PostfixLogStream final : public ProtocolLineStream
{
public:
    void addView(const SourceLineView &src, const ProtocolSink &sink) override;
    void finish(const ProtocolSink &sink) override;
    int heldBackFrom() const override;

private:
    void entry(const SourceLineView &src, const ProtocolSink &sink);

    static constexpr int kMaxJoined = 8; // as unwrapEntries
    std::optional<SourceLineView> m_pending; ///< the last line, not read yet (views valid until the next add)
    SourceLine m_joinedLine; ///< the pending line once wrapped parts were joined to it (m_pending views it)
    SharedText m_stamps;
    bool m_pendingIsEntry = false;
    int m_joined = 0;
    // Lines without a queue id (TLS, connect errors) belong to the next message of the same process:
    // they wait (only they are held back) until that process names one.
    QHash<int, QList<ProtocolLine>> m_waitingByPid;
    QHash<int, QString> m_lastQueueOfPid;
    ProtocolLine m_line; ///< reused for each entry's line (reset() each time): no new line per input line
};

void PostfixLogStream::addView(const SourceLineView &src, const ProtocolSink &sink)
{
    const bool blank = isBlankLine(src);
    const bool isEntry = !blank && isPostfixEntry(src);
    if (!blank && m_pending && m_pendingIsEntry && m_joined < kMaxJoined && !isEntry) {
        // A wrapped part of the entry above: from now on the entry is a string of its own (the views of the
        // chunk it came from may go before it is read).
        if (m_joined == 0)
            m_joinedLine = m_pending->toSourceLine();
        if (src.text.startsWith(u' ')) {
            m_joinedLine.text += QLatin1Char(' ');
            m_joinedLine.text += src.text.trimmed();
        } else {
            m_joinedLine.text += src.text;
        }
        m_pending = SourceLineView(m_joinedLine);
        ++m_joined;
        sink(ProtocolLine::makeTransient(ProtocolLine::Kind::Noise, src, src.text, m_stamps(src.timestamp)));
        return;
    }
    if (m_pending)
        entry(*m_pending, sink);
    m_pending = src;
    m_pendingIsEntry = isEntry;
    m_joined = 0;
}

void PostfixLogStream::finish(const ProtocolSink &sink)
{
    if (m_pending)
        entry(*m_pending, sink);
    m_pending.reset();
    // Left waiting: the process logged no later message; use its previous one, else the process itself.
    QList<ProtocolLine> left;
    for (auto it = m_waitingByPid.begin(); it != m_waitingByPid.end(); ++it) {
        const QString session = m_lastQueueOfPid.value(it.key(), QStringLiteral("pid ") + QString::number(it.key()));
        for (ProtocolLine &l : it.value()) {
            l.session = session;
            left.append(std::move(l));
        }
    }
    m_waitingByPid.clear();
    std::stable_sort(
        left.begin(), left.end(), [](const ProtocolLine &a, const ProtocolLine &b) { return a.line < b.line; });
    for (ProtocolLine &l : left)
        sink(std::move(l));
}

int PostfixLogStream::heldBackFrom() const
{
    int from = m_pending ? m_pending->number : 0;
    for (const QList<ProtocolLine> &waiting : m_waitingByPid)
        if (!waiting.isEmpty() && (from == 0 || waiting.first().line < from))
            from = waiting.first().line;
    return from;
}

void PostfixLogStream::entry(const SourceLineView &src, const ProtocolSink &sink)
{
    // Cheap prefix checks guard the few regexes left; most lines never reach one.
    // "NOQUEUE: reject: RCPT from h[ip]: 554 5.7.1 <a@b>: Relay access denied; from=<x> to=<a@b> proto=ESMTP"
    static const QRegularExpression reject(
        QStringLiteral("(?:milter-)?reject: ([A-Z-]+) from (\\S+): (\\d{3} .*?); from=<([^>]*)>(?: to=<([^>]*)>)?"));
    QHash<int, QList<ProtocolLine>> &waitingByPid = m_waitingByPid;
    QHash<int, QString> &lastQueueOfPid = m_lastQueueOfPid;
    const QStringView t = src.text;
    const QString &timestamp = m_stamps(src.timestamp);
    // The entry's line, made in place as ProtocolLine::make(), makeTransient() and makeEvent() would make it.
    ProtocolLine &l = m_line;
    auto event = [&](Event e, QStringView text) {
        l.reset(Kind::Event, src.number, timestamp, text);
        l.event = e;
    };
    const PostfixLine p = parsePostfixLine(t);
    // Other programs of a syslog file (dovecot, opendkim, …) are not ours but are no mystery either.
    if (std::optional<ProtocolLine> other = nonEntryLine(src, p.ok, timestamp)) {
        sink(std::move(*other));
        return;
    }
    const QStringView d = p.daemon;
    const bool delivery = d == Ascii("smtp") || d == Ascii("lmtp") || d == Ascii("local") || d == Ascii("virtual")
        || d == Ascii("pipe") || d == Ascii("error") || d == Ascii("discard") || d == Ascii("retry");
    // p.pid.toInt() without its conversion: the pid is ASCII digits (0 when it does not fit, as toInt()).
    qint64 pidValue = 0;
    for (QChar c : p.pid)
        if ((pidValue = pidValue * 10 + (c.unicode() - u'0')) > std::numeric_limits<int>::max())
            break;
    const int pid = pidValue > std::numeric_limits<int>::max() ? 0 : int(pidValue);
    if (!p.queueId.isEmpty()) {
        // Only delivery agents log lines without a queue id that wait for one (see the end of this function), so
        // only their last queue id is kept: the queue manager alone names a new one on nearly every line.
        const auto waiting = waitingByPid.find(pid);
        if (delivery || waiting != waitingByPid.end()) {
            QString &last = lastQueueOfPid[pid];
            if (last != p.queueId)
                last = p.queueId.toString();
            if (waiting != waitingByPid.end()) {
                for (ProtocolLine &l : *waiting) {
                    l.session = last;
                    sink(std::move(l));
                }
                waitingByPid.erase(waiting);
            }
        }
    }
    if (delivery && !p.queueId.isEmpty() && parsePostfixDelivery(p, src, &l, timestamp)) {
        sink(std::move(l));
        return;
    }
    std::optional<QRegularExpressionMatch> m; // only when a regex runs: an empty match allocates too
    const QStringView rest = p.rest;
    if (d == Ascii("smtpd") || d == Ascii("postscreen")) {
        // The receiving side: one smtpd process serves one client connection at a time.
        const QString session = d.toString() + QLatin1Char('[') + p.pid.toString() + QLatin1Char(']');
        if (indexOfLiteral(rest, u"reject: ") >= 0 && (m = reject.match(rest))->hasMatch()) {
            l.reset(Kind::Outcome, src.number, timestamp, rest);
            l.session = session;
            l.outcome.recipient = m->captured(5);
            l.outcome.reply = replyFromLines({ m->captured(3) }, src.number);
            const QString stage = m->captured(1);
            l.command
                = stage == Ascii("RCPT") ? QStringLiteral("RCPT TO:<") + m->captured(5) + QLatin1Char('>') : stage;
            using K = RecipientOutcome::Kind;
            if (l.outcome.reply.replyClass() == 4)
                l.outcome.kind = K::Deferred;
            else if (stage == Ascii("RCPT"))
                l.outcome.kind = K::RejectedAtRcpt;
            else if (stage == Ascii("DATA") || stage.startsWith(u"END-OF"))
                l.outcome.kind = K::RejectedAfterData;
            else
                l.outcome.kind = K::Rejected;
            l.server = src.host.toString();
        } else if (startsWithLiteral(rest, u"connect from ") || startsWithLiteral(rest, u"disconnect from ")) {
            event(rest.startsWith(u'c') ? Event::Connect : Event::Close, rest);
            l.session = session;
            l.endsSession = l.event == Event::Close; // the next connection of this process is another session
        } else {
            l.reset(Kind::Noise, src.number, timestamp, t, true);
        }
        sink(std::move(l));
        return;
    }
    QString tlsPeer;
    if (delivery && parsePostfixTls(rest, src, timestamp, &l, &tlsPeer)) {
        l.viaStartTls = !tlsPeer.endsWith(u":465"); // smtp_tls_wrappermode is for port 465
    } else if (delivery
        && ((startsWithLiteral(rest, u"connect to ") && indexOfLiteral(rest, u": ", 11) > 11)
            || startsWithLiteral(rest, u"lost connection with ") || startsWithLiteral(rest, u"conversation with "))) {
        event(Event::Error, rest);
    } else {
        l.reset(Kind::Noise, src.number, timestamp, t, true);
    }
    if (!p.queueId.isEmpty()) {
        l.session = p.queueId.toString();
        // The queue manager removes a message once every recipient is done: its session is complete.
        l.endsSession = d == Ascii("qmgr") && rest == Ascii("removed");
    } else if (l.kind == Kind::Event) {
        waitingByPid[pid].append(std::move(l));
        return;
    }
    sink(std::move(l));
}

} // namespace

std::unique_ptr<ProtocolLineStream> PostfixLogParser::openStream() const
{
    return std::make_unique<PostfixLogStream>();
}

} // namespace smtpscope::core::parsers
