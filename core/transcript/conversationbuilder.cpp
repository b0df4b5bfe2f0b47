#include "transcript/conversationbuilder.h"

#include "reply/replyparser.h"
#include "transcript/asciitext.h"
#include "transcript/protocolchecker.h"
#include "util/asciicase.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <numeric>

namespace smtpscope::core {

namespace {

const QString kRedacted = QStringLiteral("[redacted]");

struct VerbInfo
{
    Step::Kind kind;
    Phase phase;
};

VerbInfo verbInfo(const QString &verb)
{
    if (verb == Ascii("EHLO") || verb == Ascii("HELO") || verb == Ascii("LHLO"))
        return { Step::Kind::Command, Phase::Helo };
    if (verb == Ascii("STARTTLS"))
        return { Step::Kind::TlsStart, Phase::Tls };
    if (verb == Ascii("AUTH"))
        return { Step::Kind::Auth, Phase::Auth };
    if (verb == Ascii("MAIL"))
        return { Step::Kind::Command, Phase::Mail };
    if (verb == Ascii("RCPT"))
        return { Step::Kind::Command, Phase::Rcpt };
    if (verb == Ascii("DATA"))
        return { Step::Kind::Data, Phase::Data };
    if (verb == Ascii("BDAT"))
        return { Step::Kind::Data, Phase::Message };
    if (verb == Ascii("QUIT"))
        return { Step::Kind::Command, Phase::Quit };
    return { Step::Kind::Command, Phase::Other };
}

// RFC 5321 and extension verbs, plus the common vendor ones, each as one shared string: every step's
// verb points to these rather than to a copy of its own.
const QStringList &knownVerbs()
{
    static const QStringList verbs { QStringLiteral("EHLO"), QStringLiteral("HELO"), QStringLiteral("LHLO"),
        QStringLiteral("MAIL"), QStringLiteral("RCPT"), QStringLiteral("DATA"), QStringLiteral("BDAT"),
        QStringLiteral("RSET"), QStringLiteral("NOOP"), QStringLiteral("QUIT"), QStringLiteral("VRFY"),
        QStringLiteral("EXPN"), QStringLiteral("HELP"), QStringLiteral("AUTH"), QStringLiteral("STARTTLS"),
        QStringLiteral("ETRN"), QStringLiteral("ATRN"), QStringLiteral("TURN"), QStringLiteral("XCLIENT"),
        QStringLiteral("XFORWARD"), QStringLiteral("BURL"), QStringLiteral("SEND"), QStringLiteral("SOML"),
        QStringLiteral("SAML"), QStringLiteral("VERB"), QStringLiteral("XEXCH50"), QStringLiteral("X-EXPS") };
    return verbs;
}

// The known verb @p word names (any case), or nullptr.
const QString *knownVerb(QStringView word)
{
    const QStringList &verbs = knownVerbs();
    // The verbs by their first letter, folded as a case-insensitive comparison folds it.
    static const std::array<QList<qsizetype>, 26> byLetter = [&verbs] {
        std::array<QList<qsizetype>, 26> b;
        for (qsizetype i = 0; i < verbs.size(); ++i)
            b[foldForAscii(verbs.at(i).front().unicode()) - u'a'].append(i);
        return b;
    }();
    if (word.isEmpty())
        return nullptr;
    const char16_t first = foldForAscii(word.front().unicode());
    if (first < u'a' || first > u'z')
        return nullptr; // every verb starts with an ASCII letter, and only those fold to one
    for (qsizetype i : byLetter[first - u'a'])
        if (equalsCi(verbs.at(i), word))
            return &verbs.at(i);
    return nullptr;
}

bool isKnownVerb(QStringView text)
{
    const QStringView t = text.trimmed();
    const qsizetype space = indexOfChar(t, u' ');
    return knownVerb(space < 0 ? t : t.first(space)) != nullptr;
}

// Octets of @p text in UTF-8, without converting it.
qint64 utf8Size(QStringView text)
{
    // Nearly every body line is ASCII: one unit, one octet (a loop the compiler vectorises).
    char16_t any = 0;
    for (QChar c : text)
        any |= c.unicode();
    if (any < 0x80)
        return text.size();
    qint64 n = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c < 0x80) {
            n += 1;
        } else if (c < 0x800) {
            n += 2;
        } else if (QChar::isHighSurrogate(c) && i + 1 < text.size()
            && QChar::isLowSurrogate(text.at(i + 1).unicode())) {
            n += 4;
            ++i;
        } else {
            n += 3;
        }
    }
    return n;
}

// QStringView(t).trimmed() == ".", without trimming the lines that cannot be that (nearly all).
bool isDotLine(QStringView t)
{
    if (t.size() == 1)
        return t.front() == u'.';
    // Printable ASCII is never white space: a line with such ends is its own trimmed text, longer than ".".
    auto plain = [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; };
    if (t.isEmpty() || (plain(t.front()) && plain(t.back())))
        return false;
    return t.trimmed() == Ascii(".");
}

bool isHelo(const QString &verb)
{
    return verb == Ascii("EHLO") || verb == Ascii("HELO") || verb == Ascii("LHLO");
}

// Equal strings shared: replies repeat from session to session (banners, EHLO keywords, "250 2.1.0 Ok"), and
// a string taken from here costs no allocation and no memory of its own in the result. A small table indexed
// by the text's hash; a miss makes the string and keeps it in place of the one there.
class SharedStrings
{
public:
    QString operator()(QStringView text)
    {
        if (text.isEmpty())
            return text.toString(); // null or empty as given, without an allocation
        QString &slot = m_slots[quickHash(text) & (kSlots - 1)];
        if (QStringView(slot) != text)
            slot = text.toString();
        return slot;
    }

private:
    // From the length and three groups of four characters (head, middle, tail): a full hash would cost more than
    // the allocation it saves, and a collision only costs a miss (the texts are compared).
    static size_t quickHash(QStringView text)
    {
        const qsizetype n = text.size();
        const char16_t *p = text.utf16();
        quint64 head = 0;
        quint64 middle = 0;
        quint64 tail = 0;
        if (n >= 4) {
            std::memcpy(&head, p, 8); // fixed sizes: single loads
            std::memcpy(&middle, p + n / 2 - 2, 8);
            std::memcpy(&tail, p + n - 4, 8);
        } else {
            for (qsizetype i = 0; i < n; ++i)
                head = head << 16 | p[i];
        }
        const quint64 h = (head * 0x9E3779B97F4A7C15ULL) ^ (middle * 0xC2B2AE3D27D4EB4FULL)
            ^ ((tail + quint64(n)) * 0x165667B19E3779F9ULL);
        return size_t(h ^ (h >> 31));
    }

    static constexpr size_t kSlots = 256;
    std::array<QString, kSlots> m_slots;
};

struct State
{
    Session s;
    QList<int> pending; ///< steps awaiting a reply, oldest first
    bool assembling = false; ///< a reply is being assembled
    bool replyOpen = false; ///< its last line was "DDD-"
    Reply reply;
    int lastReplyStep = -1; ///< the step that took the last reply
    bool greeted = false;
    bool inData = false;
    int bodyStep = -1;
    int authStep = -1;
    bool authWaiting = false;
    bool closed = false;
    bool hasCommands = false; ///< a client command was seen in this session
    QList<RecipientOutcome> logOutcomes;
};

class Builder
{
public:
    explicit Builder(QList<UnplacedLine> *unplaced)
        : m_unplaced(unplaced)
    { }

    void add(const ProtocolLine &l);
    QList<Session> finish();
    void releaseTo(std::function<void(Session &&)> sink, qsizetype maxWaiting)
    {
        m_sink = std::move(sink);
        m_maxWaiting = std::max<qsizetype>(maxWaiting, 0);
    }
    void release(int nextLine);

private:
    State &state(const QString &key)
    {
        // Most lines belong to the session of the line before: skip the hash lookup for them.
        // (The same string, shared from the line before, is equal without comparing its characters.)
        if (m_cached && key.size() == m_cachedKey.size()
            && (key.isEmpty() || key.constData() == m_cachedKey.constData() || key == m_cachedKey))
            return *m_cached;
        m_cached = &m_states[key];
        m_cachedKey = key;
        return *m_cached;
    }
    void rotate(const QString &key);
    void close(const QString &key);
    void finalize(State &st);

    int addStep(State &st, Step &&step);
    void extend(State &st, int index, int first, int last = 0);
    void touch(State &st, int line);

    void server(State &st, const QString &key, const ProtocolLine &l);
    void flushReply(State &st, const QString &key);
    void dispatch(State &st, const QString &key, Reply reply);
    void client(State &st, const ProtocolLine &l);
    void bodyLine(State &st, const ProtocolLine &l);
    void endBody(State &st, int line);
    void event(State &st, const QString &key, const ProtocolLine &l);
    void outcome(State &st, const ProtocolLine &l);

    SharedStrings m_strings;
    QHash<QString, State> m_states;
    State *m_cached = nullptr; ///< the state of m_cachedKey; inserting into m_states invalidates others only
    QString m_cachedKey;
    QList<Session> m_done;
    QList<UnplacedLine> *m_unplaced;
    std::function<void(Session &&)> m_sink;
    qsizetype m_maxWaiting = 0;
};

int Builder::addStep(State &st, Step &&step)
{
    st.s.steps.append(std::move(step));
    const int index = int(st.s.steps.size()) - 1;
    const Step &added = st.s.steps.at(index);
    touch(st, added.firstLine);
    touch(st, added.lastLine);
    return index;
}

void Builder::touch(State &st, int line)
{
    if (line <= 0)
        return;
    if (st.s.firstLine == 0 || line < st.s.firstLine)
        st.s.firstLine = line;
    st.s.lastLine = std::max(st.s.lastLine, line);
}

void Builder::extend(State &st, int index, int first, int last)
{
    if (index < 0 || index >= st.s.steps.size())
        return;
    Step &step = st.s.steps[index];
    for (int line : { first, last }) {
        if (line <= 0)
            continue;
        if (step.firstLine == 0 || line < step.firstLine)
            step.firstLine = line;
        step.lastLine = std::max(step.lastLine, line);
        touch(st, line);
    }
}

void Builder::rotate(const QString &key)
{
    State &old = state(key);
    flushReply(old, key);
    finalize(old);
    m_done.append(std::move(old.s));
    old = State();
}

void Builder::close(const QString &key)
{
    const auto it = m_states.find(key);
    if (it == m_states.end())
        return;
    flushReply(*it, key);
    finalize(*it);
    m_done.append(std::move(it->s));
    m_cached = nullptr;
    m_states.erase(it);
}

void Builder::release(int nextLine)
{
    if (!m_sink)
        return;
    int before = nextLine;
    for (const State &st : std::as_const(m_states))
        if (st.s.firstLine > 0 && st.s.firstLine < before)
            before = st.s.firstLine;
    const auto byFirstLine = [](const Session &a, const Session &b) { return a.firstLine < b.firstLine; };
    // Sessions mostly complete in order (one after the other in a transcript): no sort then. Otherwise (a mail
    // log) the order is found on indexes and each session moved once, not through a merge buffer.
    if (!std::is_sorted(m_done.cbegin(), m_done.cend(), byFirstLine)) {
        QList<qsizetype> order(m_done.size());
        std::iota(order.begin(), order.end(), qsizetype(0));
        std::stable_sort(order.begin(), order.end(),
            [this](qsizetype a, qsizetype b) { return m_done.at(a).firstLine < m_done.at(b).firstLine; });
        QList<Session> sorted;
        sorted.reserve(m_done.size());
        for (qsizetype i : std::as_const(order))
            sorted.append(std::move(m_done[i]));
        m_done = std::move(sorted);
    }
    qsizetype n = 0;
    while (n < m_done.size() && (m_done.at(n).firstLine < before || m_done.size() - n > m_maxWaiting))
        ++n;
    for (qsizetype i = 0; i < n; ++i)
        if (!m_done.at(i).steps.isEmpty() || !m_done.at(i).outcomes.isEmpty())
            m_sink(std::move(m_done[i]));
    m_done.remove(0, n);
}

void Builder::add(const ProtocolLine &l)
{
    switch (l.kind) {
    case ProtocolLine::Kind::Unknown:
        if (m_unplaced && !l.payload().trimmed().isEmpty())
            m_unplaced->append({ l.line, l.text.isNull() ? l.textView.toString() : l.text });
        return;
    case ProtocolLine::Kind::Noise:
        if (l.endsSession)
            close(l.session);
        return;
    default:
        break;
    }
    const QString &key = l.session;
    if (l.kind != ProtocolLine::Kind::Server || !l.continuation) {
        // A line that is no continuation ends a reply whose last line was final.
        State &st = state(key);
        if (st.assembling && (!st.replyOpen || l.kind != ProtocolLine::Kind::Server))
            flushReply(st, key);
    }
    State *st = &state(key);
    const bool startsNew = l.kind == ProtocolLine::Kind::Client || l.kind == ProtocolLine::Kind::Data
        || (l.kind == ProtocolLine::Kind::Server && !l.continuation)
        || (l.kind == ProtocolLine::Kind::Event && l.event == ProtocolLine::Event::Connect);
    if (st->closed && startsNew) {
        rotate(key);
        st = &state(key);
    }
    if (!l.peer.isEmpty() && st->s.peer.isEmpty() && l.kind != ProtocolLine::Kind::Event)
        st->s.peer = l.peer;
    switch (l.kind) {
    case ProtocolLine::Kind::Server:
        server(*st, key, l);
        break;
    case ProtocolLine::Kind::Client:
        client(*st, l);
        break;
    case ProtocolLine::Kind::Data:
        if (!st->inData) {
            st->inData = true;
            st->bodyStep = -1;
        }
        bodyLine(*st, l);
        break;
    case ProtocolLine::Kind::Event:
        event(*st, key, l);
        break;
    case ProtocolLine::Kind::Outcome:
        outcome(*st, l);
        break;
    default:
        break;
    }
    if (l.endsSession)
        close(key);
}

void Builder::server(State &st, const QString &key, const ProtocolLine &l)
{
    const QStringView raw = l.payload();
    const ReplyLineView parsed = ReplyParser::parseLineView(raw);
    auto append = [&](Reply &r, const QString &text) {
        // The line's own string, else (a stream's view) one shared with an equal line read before.
        r.lines.append(l.text.isNull() ? m_strings(raw) : l.text);
        r.textLines.append(text);
        if (r.firstLine == 0)
            r.firstLine = l.line;
        r.lastLine = std::max(r.lastLine, l.line);
    };
    if (l.continuation || !parsed.hasCode) {
        QString text = parsed.hasCode ? parsed.text.toString() : raw.trimmed().toString();
        Reply *target = nullptr;
        if (st.assembling)
            target = &st.reply;
        else if (st.lastReplyStep >= 0 && st.lastReplyStep < st.s.steps.size()
            && (l.continuation || st.pending.isEmpty()))
            target = &st.s.steps[st.lastReplyStep].reply; // a wrapped line of the reply before
        if (target) {
            // go-mail repeats the enhanced code on continuation lines that lost their reply code.
            const QString status = target->status.toString();
            if (!status.isEmpty() && text.startsWith(status + QLatin1Char(' ')))
                text = text.mid(status.size() + 1);
            else if (!status.isEmpty() && text == status)
                text.clear();
            append(*target, text);
            if (!l.continuation)
                target->issues.append({ ReplyIssue::Severity::Info, l.line,
                    QStringLiteral("Line %1 has no reply code; taken as a continuation of the reply above.")
                        .arg(l.line) });
            if (target != &st.reply)
                extend(st, st.lastReplyStep, l.line);
            else
                touch(st, l.line);
            return;
        }
        st.assembling = true;
        st.replyOpen = false;
        st.reply = Reply();
        append(st.reply, text);
        st.reply.issues.append({ ReplyIssue::Severity::Error, l.line,
            QStringLiteral("Line %1 is a server line without a reply code.").arg(l.line) });
        touch(st, l.line);
        return;
    }
    if (st.assembling && !(st.replyOpen && parsed.code == st.reply.code))
        flushReply(st, key);
    if (!st.assembling) {
        st.assembling = true;
        st.reply = Reply();
        st.reply.code = parsed.code;
        if (parsed.continues) {
            // A multi-line reply (EHLO's): room for its lines at once rather than growing one by one.
            st.reply.lines.reserve(8);
            st.reply.textLines.reserve(8);
        }
    }
    if (parsed.status.isValid() && !st.reply.status.isValid())
        st.reply.status = parsed.status;
    append(st.reply, m_strings(parsed.text));
    st.replyOpen = parsed.continues;
    touch(st, l.line);
}

void Builder::flushReply(State &st, const QString &key)
{
    if (!st.assembling)
        return;
    Reply reply = std::move(st.reply);
    if (st.replyOpen)
        reply.issues.append({ ReplyIssue::Severity::Warning, reply.lastLine,
            QStringLiteral("The reply ends with a continuation line (%1-): its final line is missing, so it may "
                           "be cut short.")
                .arg(reply.code) });
    st.assembling = false;
    st.replyOpen = false;
    st.reply = Reply();
    dispatch(st, key, std::move(reply));
}

void Builder::dispatch(State &st, const QString &key, Reply reply)
{
    if (st.inData)
        endBody(st, 0);
    // The reply is moved into its step: what is read of it afterwards is kept here.
    const int code = reply.code;
    const int firstLine = reply.firstLine;
    const int lastLine = reply.lastLine;
    const bool greetingCode = reply.code == 220 || reply.code == 421 || reply.code == 554;
    auto greeting = [&](State &target) {
        Step step;
        step.kind = Step::Kind::Greeting;
        step.phase = Phase::Greeting;
        step.firstLine = firstLine;
        step.lastLine = lastLine;
        step.reply = std::move(reply);
        target.lastReplyStep = addStep(target, std::move(step));
        target.greeted = true;
        if (code == 421 || code == 554)
            target.closed = true;
    };

    if (!st.greeted) {
        if (st.pending.isEmpty() && greetingCode) {
            greeting(st);
            return;
        }
        if (!st.pending.isEmpty() && code == 220 && st.s.steps.at(st.pending.first()).verb != Ascii("STARTTLS")) {
            greeting(st);
            return;
        }
    }
    if (!st.pending.isEmpty() && code == 220 && st.s.steps.at(st.pending.first()).verb == Ascii("QUIT")) {
        // QUIT's 221 is not shown and a new connection greets: the next session starts here.
        rotate(key);
        greeting(state(key));
        return;
    }
    if (st.pending.isEmpty() && st.authWaiting && st.authStep >= 0) {
        // The client's AUTH continuation is not shown (Exchange, redacting tools): the reply still answers it.
        st.pending.append(st.authStep);
        st.authWaiting = false;
    }
    if (st.pending.isEmpty()) {
        if (code == 220 && st.greeted && st.hasCommands) {
            rotate(key);
            greeting(state(key));
            return;
        }
        Step step;
        step.kind = code == 421 ? Step::Kind::Close : Step::Kind::Event;
        step.note = code == 421 ? QStringLiteral("The server closed the session.")
                                : QStringLiteral("A reply to no command shown in the transcript.");
        step.firstLine = firstLine;
        step.lastLine = lastLine;
        step.reply = std::move(reply);
        step.phase = st.s.steps.isEmpty() ? Phase::Connect : st.s.steps.last().phase;
        st.lastReplyStep = addStep(st, std::move(step));
        if (code == 421)
            st.closed = true;
        return;
    }
    const int index = st.pending.takeFirst();
    Step &step = st.s.steps[index];
    step.reply = std::move(reply);
    st.lastReplyStep = index;
    extend(st, index, firstLine, lastLine);
    st.greeted = true;
    if (step.kind == Step::Kind::Auth && code == 334) {
        st.authWaiting = true;
        st.authStep = index;
    } else if (step.kind == Step::Kind::Auth) {
        st.authWaiting = false;
    }
    if (step.verb == Ascii("DATA") && code == 354) {
        st.inData = true;
        st.bodyStep = -1;
    }
    if (step.verb == Ascii("STARTTLS") && code == 220 && st.s.tls.mode == TlsInfo::Mode::None)
        st.s.tls.mode = TlsInfo::Mode::StartTls;
    if (step.verb == Ascii("QUIT") || code == 421)
        st.closed = true;
}

void Builder::client(State &st, const ProtocolLine &l)
{
    if (st.authWaiting && st.authStep >= 0) {
        st.authWaiting = false;
        extend(st, st.authStep, l.line);
        st.pending.prepend(st.authStep);
        return;
    }
    if (st.inData) {
        if (isDotLine(l.payload()))
            endBody(st, l.line);
        else
            bodyLine(st, l);
        return;
    }
    // A credential whose 334 prompt the tool did not show (PHPMailer at level 1).
    if (!st.s.steps.isEmpty() && st.s.steps.last().kind == Step::Kind::Auth
        && (!st.s.steps.last().hasReply() || st.s.steps.last().reply.code == 334) && !isKnownVerb(l.payload())
        && ConversationBuilder::looksLikeCredential(l.payload().trimmed().toString())) {
        extend(st, int(st.s.steps.size()) - 1, l.line);
        return;
    }
    Step step;
    ConversationBuilder::splitCommand(l.payload(), &step.verb, &step.argument);
    const VerbInfo info = verbInfo(step.verb);
    step.kind = info.kind;
    step.phase = info.phase;
    step.firstLine = step.lastLine = l.line;
    step.timestamp = l.timestamp;
    step.pipelined = !st.pending.isEmpty();
    if (isHelo(step.verb)) {
        const qsizetype space = step.argument.indexOf(QLatin1Char(' ')); // its first word
        st.s.client = space < 0 ? step.argument : step.argument.left(space);
    }
    if (step.verb == Ascii("BDAT")) {
        bool ok = false;
        const qint64 size = step.argument.section(QLatin1Char(' '), 0, 0).toLongLong(&ok);
        step.messageSize = ok ? size : -1;
    }
    const int index = addStep(st, std::move(step));
    st.pending.append(index);
    st.hasCommands = true;
}

void Builder::bodyLine(State &st, const ProtocolLine &l)
{
    const QStringView text = l.payload();
    if (isDotLine(text) && st.bodyStep >= 0) {
        endBody(st, l.line);
        return;
    }
    if (st.bodyStep < 0) {
        Step step;
        step.kind = Step::Kind::Data;
        step.phase = Phase::Message;
        step.note = QStringLiteral("message body");
        step.firstLine = step.lastLine = l.line;
        step.timestamp = l.timestamp;
        step.messageSize = 0;
        st.bodyStep = addStep(st, std::move(step));
    }
    if (isDotLine(text)) {
        endBody(st, l.line);
        return;
    }
    extend(st, st.bodyStep, l.line);
    Step &body = st.s.steps[st.bodyStep];
    body.messageSize += utf8Size(text) + 2;
}

void Builder::endBody(State &st, int line)
{
    if (st.bodyStep < 0) {
        Step step;
        step.kind = Step::Kind::Data;
        step.phase = Phase::Message;
        step.note = QStringLiteral("message body (not shown)");
        step.firstLine = step.lastLine = line;
        st.bodyStep = addStep(st, std::move(step));
    } else {
        extend(st, st.bodyStep, line);
    }
    st.s.steps[st.bodyStep].pipelined = false;
    st.pending.append(st.bodyStep);
    st.inData = false;
    st.bodyStep = -1;
}

void Builder::event(State &st, const QString &key, const ProtocolLine &l)
{
    Step step;
    step.firstLine = step.lastLine = l.line;
    step.timestamp = l.timestamp;
    step.note = l.text;
    const int last = int(st.s.steps.size()) - 1;
    switch (l.event) {
    case ProtocolLine::Event::Connect: {
        if (l.attach) {
            // "Connected to …" after "Trying …": the same connection, whatever came in between.
            for (int i = 0; i <= last; ++i)
                if (st.s.steps.at(i).kind == Step::Kind::Connect) {
                    extend(st, i, l.line);
                    return;
                }
        }
        const bool onlyConnect = std::all_of(
            st.s.steps.cbegin(), st.s.steps.cend(), [](const Step &s) { return s.kind == Step::Kind::Connect; });
        if (!onlyConnect) {
            rotate(key);
            event(state(key), key, l);
            return;
        }
        if (!l.peer.isEmpty() && st.s.peer.isEmpty())
            st.s.peer = l.peer;
        if (l.implicitTls)
            st.s.tls.mode = TlsInfo::Mode::Implicit;
        if (last >= 0) {
            extend(st, last, l.line);
            if (!l.text.isEmpty() && !l.attach)
                st.s.steps[last].note += QStringLiteral("; ") + l.text;
            return;
        }
        step.kind = Step::Kind::Connect;
        step.phase = Phase::Connect;
        addStep(st, std::move(step));
        return;
    }
    case ProtocolLine::Event::TlsStarted:
        if (!l.text.isEmpty())
            st.s.tls.detail = l.text;
        if (last >= 0 && st.s.steps.at(last).kind == Step::Kind::TlsStart) {
            extend(st, last, l.line);
            if (st.s.tls.mode == TlsInfo::Mode::None)
                st.s.tls.mode = st.s.steps.at(last).verb.isEmpty() ? TlsInfo::Mode::Implicit : TlsInfo::Mode::StartTls;
            return;
        }
        if (st.s.tls.mode == TlsInfo::Mode::None && l.viaStartTls) {
            st.s.tls.mode = TlsInfo::Mode::StartTls;
        } else if (st.s.tls.mode == TlsInfo::Mode::None) {
            const bool sawStartTls = std::any_of(
                st.s.steps.cbegin(), st.s.steps.cend(), [](const Step &s) { return s.verb == Ascii("STARTTLS"); });
            st.s.tls.mode = st.greeted || sawStartTls ? TlsInfo::Mode::StartTls : TlsInfo::Mode::Implicit;
        }
        step.kind = Step::Kind::TlsStart;
        step.phase = Phase::Tls;
        step.note = l.text.isEmpty() ? QStringLiteral("TLS established") : QStringLiteral("TLS established: ") + l.text;
        addStep(st, std::move(step));
        return;
    case ProtocolLine::Event::Close:
        st.closed = true;
        if (last >= 0 && st.s.steps.at(last).kind == Step::Kind::Close) {
            extend(st, last, l.line);
            return;
        }
        step.kind = Step::Kind::Close;
        step.phase = last >= 0 ? st.s.steps.at(last).phase : Phase::Connect;
        addStep(st, std::move(step));
        return;
    case ProtocolLine::Event::HiddenAuth:
        if (last >= 0 && st.s.steps.at(last).kind == Step::Kind::Auth && st.s.steps.at(last).verb == Ascii("AUTH")
            && l.attach) {
            extend(st, last, l.line);
            st.s.steps[last].note += QStringLiteral("; ") + l.text;
            return;
        }
        step.kind = Step::Kind::Auth;
        step.phase = Phase::Auth;
        ConversationBuilder::splitCommand(
            l.command.isEmpty() ? QStringLiteral("AUTH") : l.command, &step.verb, &step.argument);
        addStep(st, std::move(step));
        return;
    default:
        if (l.attach && last >= 0) {
            extend(st, last, l.line);
            return;
        }
        step.kind = Step::Kind::Event;
        step.phase = last >= 0 ? st.s.steps.at(last).phase : Phase::Connect;
        addStep(st, std::move(step));
        return;
    }
}

void Builder::outcome(State &st, const ProtocolLine &l)
{
    RecipientOutcome o = l.outcome;
    if (!l.server.isEmpty() && st.s.peer.isEmpty())
        st.s.peer = l.server;
    if (l.outcomeStep) {
        Step step;
        step.kind = Step::Kind::Event;
        step.firstLine = step.lastLine = l.line;
        step.timestamp = l.timestamp;
        step.note = l.text;
        step.reply = o.reply;
        // The checks read the command upper-cased ("MAıL" is MAIL); an ASCII command, nearly every one, is compared
        // without case instead, which is the same and needs no copy.
        const bool ascii
            = std::all_of(l.command.cbegin(), l.command.cend(), [](QChar c) { return c.unicode() < 0x80; });
        const QString upper = ascii ? QString() : l.command.toUpper();
        auto startsWithWord = [&](QLatin1StringView word) {
            return ascii ? startsWithNoCase(l.command, word) : upper.startsWith(word);
        };
        auto containsWord
            = [&](QLatin1StringView word) { return ascii ? containsNoCase(l.command, word) : upper.contains(word); };
        if (startsWithWord(QLatin1StringView("RCPT")))
            step.phase = Phase::Rcpt;
        else if (startsWithWord(QLatin1StringView("MAIL")))
            step.phase = Phase::Mail;
        else if (containsWord(QLatin1StringView("DATA")))
            step.phase = Phase::Message;
        else if (containsWord(QLatin1StringView("CONNECT")) || containsWord(QLatin1StringView("GREETING"))
            || containsWord(QLatin1StringView("BANNER")))
            step.phase = Phase::Connect;
        else if (l.command.isEmpty() && o.kind == RecipientOutcome::Kind::Accepted)
            step.phase = Phase::Message; // a delivery is confirmed at the end of the message
        else if (l.command.isEmpty() && o.reply.code == 0)
            step.phase = Phase::Connect; // no reply at all: the connection failed
        // The command the reply answered; "greeting" / "initial connection" is no command but the phase.
        if (step.phase != Phase::Connect && !l.command.isEmpty()) {
            if (startsWithWord(QLatin1StringView("RCPT")) || startsWithWord(QLatin1StringView("MAIL")))
                ConversationBuilder::splitCommand(l.command, &step.verb, &step.argument);
            else
                step.argument = l.command;
        }
        o.step = addStep(st, std::move(step));
    } else {
        // Another recipient of the same log line shares its step.
        if (!st.s.steps.isEmpty() && st.s.steps.last().firstLine == l.line
            && st.s.steps.last().kind == Step::Kind::Event)
            o.step = int(st.s.steps.size()) - 1;
        touch(st, l.line);
    }
    if (!o.recipient.isEmpty())
        st.logOutcomes.append(o);
}

void Builder::finalize(State &st)
{
    if (st.inData && st.bodyStep >= 0) {
        st.inData = false;
        st.bodyStep = -1;
    }
    Session &s = st.s;
    // Log outcomes are authoritative; the conversation adds the recipients they do not mention.
    s.outcomes = std::move(st.logOutcomes); // the state goes after this
    s.steps.squeeze(); // a large log keeps every session: no spare room in them
    for (int i = int(s.steps.size()) - 1; i >= 0; --i) {
        const Step &step = s.steps.at(i);
        if ((step.verb == Ascii("EHLO") || step.verb == Ascii("LHLO")) && step.reply.replyClass() == 2) {
            s.capabilities = Capabilities::fromEhloReply(step.reply);
            break;
        }
    }
    auto hostLike = [](QStringView word) {
        // "^[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z0-9-]+$|^\[[0-9a-fA-F.:]+\]$", by hand: it runs per session.
        auto alnum = [](char16_t c) {
            return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
        };
        if (word.size() >= 3 && word.front() == u'[' && word.back() == u']') {
            const QStringView inside = word.mid(1, word.size() - 2);
            return std::all_of(inside.begin(), inside.end(), [](QChar c) {
                const char16_t u = c.unicode();
                return (u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f') || (u >= u'A' && u <= u'F') || u == u'.'
                    || u == u':';
            });
        }
        if (word.isEmpty() || !alnum(word.front().unicode()))
            return false;
        const bool allowed = std::all_of(
            word.begin(), word.end(), [&alnum](QChar c) { return alnum(c.unicode()) || c == u'.' || c == u'-'; });
        const qsizetype dot = word.lastIndexOf(u'.');
        return allowed && dot >= 1 && dot + 1 < word.size();
    };
    for (const Step &step : std::as_const(s.steps)) {
        if ((step.kind == Step::Kind::Greeting || isHelo(step.verb)) && !step.reply.textLines.isEmpty()) {
            const QString &line = step.reply.textLines.first();
            const qsizetype space = line.indexOf(QLatin1Char(' '));
            const QStringView word = space < 0 ? QStringView(line) : QStringView(line).first(space);
            if (hostLike(word)) {
                s.server = space < 0 ? line : word.toString();
                break;
            }
        }
    }
    if (s.server.isEmpty())
        s.server = s.peer;
    ProtocolChecker::analyse(s);
}

QList<Session> Builder::finish()
{
    const QStringList keys = m_states.keys();
    for (const QString &key : keys) {
        State &st = state(key);
        flushReply(st, key);
        finalize(st);
        m_done.append(std::move(st.s));
        // Each state goes as soon as its session is out: a large log has one per message.
        m_cached = nullptr;
        m_states.remove(key);
    }
    m_states.clear();
    if (m_sink) {
        release(std::numeric_limits<int>::max());
        return {};
    }
    // Ordered by first line through their indexes: sorting the sessions themselves would need a buffer of
    // as many sessions again.
    QList<qsizetype> order;
    order.reserve(m_done.size());
    for (qsizetype i = 0; i < m_done.size(); ++i)
        if (!m_done.at(i).steps.isEmpty() || !m_done.at(i).outcomes.isEmpty())
            order.append(i);
    std::stable_sort(order.begin(), order.end(),
        [this](qsizetype a, qsizetype b) { return m_done.at(a).firstLine < m_done.at(b).firstLine; });
    QList<Session> sessions;
    sessions.reserve(order.size());
    for (qsizetype i : std::as_const(order))
        sessions.append(std::move(m_done[i]));
    m_done.clear();
    return sessions;
}

} // namespace

bool ConversationBuilder::looksLikeCredential(const QString &text)
{
    static const QRegularExpression base64(QStringLiteral("^[A-Za-z0-9+/]{4,}={0,2}$"));
    static const QRegularExpression placeholder(
        QStringLiteral("^(\\[[^\\]]*(hidden|redacted|removed|credentials|base64|secret|password)[^\\]]*\\]|x{3,}=*|\\*+"
                       "|<authentication response>)$"),
        QRegularExpression::CaseInsensitiveOption);
    return base64.match(text).hasMatch() || placeholder.match(text).hasMatch();
}

void ConversationBuilder::splitCommand(QStringView text, QString *verb, QString *argument)
{
    const QStringView trimmed = text.trimmed();
    const qsizetype space = indexOfChar(trimmed, u' ');
    const QStringView v = space < 0 ? trimmed : trimmed.first(space);
    const QStringView arg = space < 0 ? QStringView() : trimmed.mid(space + 1).trimmed();
    // A verb is 2 to 12 ASCII letters.
    bool word = v.size() >= 2 && v.size() <= 12;
    bool upper = false;
    bool lower = false;
    for (qsizetype i = 0; word && i < v.size(); ++i) {
        const char16_t c = v.at(i).unicode();
        upper = upper || (c >= u'A' && c <= u'Z');
        lower = lower || (c >= u'a' && c <= u'z');
        word = (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z');
    }
    const QString *known = word ? knownVerb(v) : nullptr;
    if (!word || (!known && upper && lower && looksLikeCredential(trimmed.toString()))) {
        // Not a verb: a credential, a placeholder or garbage. Never echo what may be a secret.
        const QString all = trimmed.toString();
        *verb = QString();
        *argument = looksLikeCredential(all) ? kRedacted : all;
        return;
    }
    *verb = known ? *known : v.toString().toUpper();
    if (*verb == Ascii("AUTH")) {
        const qsizetype s = indexOfChar(arg, u' ');
        const QString mechanism = (s < 0 ? arg : arg.first(s)).toString().toUpper();
        *argument = s < 0 ? mechanism : mechanism + QLatin1Char(' ') + kRedacted;
        return;
    }
    *argument = arg.toString();
}

class ConversationAssembler::Impl
{
public:
    explicit Impl(QList<UnplacedLine> *unplaced)
        : builder(unplaced)
    { }
    Builder builder;
};

ConversationAssembler::ConversationAssembler(QList<UnplacedLine> *unplaced)
    : d(std::make_unique<Impl>(unplaced))
{ }

ConversationAssembler::~ConversationAssembler() = default;

void ConversationAssembler::add(const ProtocolLine &line)
{
    d->builder.add(line);
}

QList<Session> ConversationAssembler::finish()
{
    return d->builder.finish();
}

void ConversationAssembler::releaseTo(std::function<void(Session &&)> sink, qsizetype maxWaiting)
{
    d->builder.releaseTo(std::move(sink), maxWaiting);
}

void ConversationAssembler::release(int nextLine)
{
    d->builder.release(nextLine);
}

QList<Session> ConversationBuilder::build(const QList<ProtocolLine> &lines, QList<UnplacedLine> *unplaced)
{
    Builder builder(unplaced);
    for (const ProtocolLine &l : lines)
        builder.add(l);
    return builder.finish();
}

} // namespace smtpscope::core
