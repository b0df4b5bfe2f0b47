#include "bounce/mboxreader.h"

#include <QIODevice>

#include <cstring>

namespace smtpscope::core {

namespace {

constexpr qsizetype chunkSize = 1 << 20;
// A line start is examined only with this much of it in the buffer (or all of it): enough for "From "
// after any sane run of '>' without ever holding a whole long line.
constexpr qsizetype lookahead = 4096;
constexpr qsizetype bufferSize = chunkSize + lookahead;

bool startsWithFrom(const char *p, qsizetype n)
{
    return n >= 5 && std::memcmp(p, "From ", 5) == 0;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

// Reads one of @p names (three letters each, case-insensitive) at @p p; returns its index or -1.
int nameAt(const char *p, const char *end, const char *names)
{
    if (end - p < 3)
        return -1;
    for (int i = 0; names[i * 3]; ++i) {
        const char *name = names + i * 3;
        bool same = true;
        for (int k = 0; k < 3 && same; ++k)
            same = (p[k] | 0x20) == name[k];
        if (same)
            return i;
    }
    return -1;
}

constexpr const char *weekdays = "monsuntuewedthufrisat";
constexpr const char *months = "janfebmaraprmayjunjulaugsepoctnovdec";

void skipSpaces(const char *&p, const char *end)
{
    while (p < end && isSpace(*p))
        ++p;
}

// Reads 1 to @p maxDigits digits; returns the number or -1.
int numberAt(const char *&p, const char *end, int maxDigits)
{
    int value = 0;
    int digits = 0;
    while (p < end && isDigit(*p) && digits < maxDigits) {
        value = value * 10 + (*p++ - '0');
        ++digits;
    }
    return digits > 0 && (p == end || !isDigit(*p)) ? value : -1;
}

bool timeAt(const char *&p, const char *end)
{
    const int hours = numberAt(p, end, 2);
    if (hours < 0 || hours > 23 || p >= end || *p != ':')
        return false;
    ++p;
    const int minutes = numberAt(p, end, 2);
    if (minutes < 0 || minutes > 59)
        return false;
    if (p < end && *p == ':') {
        ++p;
        const int seconds = numberAt(p, end, 2);
        if (seconds < 0 || seconds > 60)
            return false;
    }
    return true;
}

// A four-digit year from 1970 to 2199 somewhere in [p, end), as its own word.
bool yearIn(const char *p, const char *end)
{
    for (; p + 4 <= end; ++p) {
        if ((p[0] == '1' && p[1] == '9') || (p[0] == '2' && (p[1] == '0' || p[1] == '1'))) {
            const bool before = !isDigit(p[-1]); // p is past the sender, so p[-1] is in the line
            const bool after = p + 4 == end || !isDigit(p[4]);
            if (before && after && isDigit(p[2]) && isDigit(p[3]) && (p[0] == '2' || p[2] >= '7'))
                return true;
        }
    }
    return false;
}

} // namespace

bool MboxReader::isFromLine(const char *line, qsizetype length)
{
    if (!startsWithFrom(line, length))
        return false;
    const char *end = line + qMin<qsizetype>(length, 1001);
    for (const char *c = line; c < end; ++c) {
        if (*c == '\n' || *c == '\r') {
            end = c;
            break;
        }
    }
    if (end - line > 1000)
        return false;
    const char *p = line + 5;
    skipSpaces(p, end);
    // The envelope sender: one word, maybe a quoted local part with spaces.
    const char *sender = p;
    if (p < end && *p == '"') {
        ++p;
        while (p < end && *p != '"')
            ++p;
        if (p == end)
            return false;
        ++p;
    }
    while (p < end && !isSpace(*p))
        ++p;
    if (p == sender || p == end)
        return false;
    skipSpaces(p, end);
    // asctime: "Mon Jun  3 10:15:02 2024" (maybe a zone between time and year, or after the year);
    // RFC 5322 style: "Mon, 3 Jun 2024 10:15:02 +0200".
    if (nameAt(p, end, weekdays) < 0)
        return false;
    p += 3;
    if (p < end && *p == ',')
        ++p;
    skipSpaces(p, end);
    if (nameAt(p, end, months) >= 0) {
        p += 3;
        skipSpaces(p, end);
        const int day = numberAt(p, end, 2);
        if (day < 1 || day > 31)
            return false;
        skipSpaces(p, end);
        return timeAt(p, end) && yearIn(p, end);
    }
    const int day = numberAt(p, end, 2);
    if (day < 1 || day > 31)
        return false;
    skipSpaces(p, end);
    if (nameAt(p, end, months) < 0)
        return false;
    p += 3;
    skipSpaces(p, end);
    const char *year = p;
    if (numberAt(p, end, 4) < 0 || !yearIn(year, p))
        return false;
    skipSpaces(p, end);
    return timeAt(p, end);
}

namespace {

// Normalises [begin, end) in place; returns the new end. @p pendingCr carries a CR that ended the previous
// chunk, so that a CRLF split across two chunks yields one LF.
char *normaliseRange(char *begin, char *end, bool &pendingCr)
{
    const char *in = begin;
    if (pendingCr && in < end) {
        if (*in == '\n')
            ++in;
        pendingCr = false;
    }
    char *out = begin;
    while (in < end) {
        const char *cr = static_cast<const char *>(std::memchr(in, '\r', end - in));
        const char *spanEnd = cr ? cr : end;
        if (out != in)
            std::memmove(out, in, spanEnd - in);
        out += spanEnd - in;
        if (!cr)
            break;
        *out++ = '\n';
        in = cr + 1;
        if (in == end)
            pendingCr = true;
        else if (*in == '\n')
            ++in;
    }
    return out;
}

} // namespace

void normaliseLineEnds(QByteArray &bytes)
{
    if (!bytes.contains('\r'))
        return;
    bool pendingCr = false;
    char *begin = bytes.data();
    char *end = normaliseRange(begin, begin + bytes.size(), pendingCr);
    bytes.truncate(end - begin);
}

MboxReader::MboxReader(QIODevice *device)
    : m_device(device)
    , m_buffer(new char[bufferSize])
{ }

bool MboxReader::fill()
{
    if (m_eof)
        return false;
    if (m_pos > 0) {
        std::memmove(m_buffer.get(), m_buffer.get() + m_pos, available());
        m_end -= m_pos;
        m_pos = 0;
    }
    const qsizetype room = bufferSize - m_end;
    if (room <= 0)
        return true;
    const qint64 n = m_device->read(m_buffer.get() + m_end, room);
    if (n < 0) {
        m_error = m_device->errorString();
        m_eof = true;
        return false;
    }
    if (n == 0) {
        m_eof = true;
        return false;
    }
    m_bytesRead += n;
    char *begin = m_buffer.get() + m_end;
    m_end += normaliseRange(begin, begin + n, m_pendingCr) - begin;
    return true;
}

bool MboxReader::startsLikeMbox()
{
    while (available() < lookahead && !std::memchr(data(), '\n', available()) && fill()) { }
    return isFromLine(data(), available());
}

// Whether the message read so far allows a message separator after it: a From_ line counts only at the start,
// or after an empty line that does not close a text announcing a quoted message ("bounced E-Mail:",
// "Original message follows:"): bounces often quote the returned message with its From_ line unescaped.
bool MboxReader::separatorMayFollow(const QByteArray &message)
{
    if (message.isEmpty())
        return true;
    if (!message.endsWith("\n\n") && message != "\n")
        return false;
    qsizetype last = message.size() - 1;
    while (last >= 0 && message.at(last) == '\n')
        --last;
    return last < 0 || message.at(last) != ':';
}

// Makes sure the line at m_pos is either complete in the buffer or present for at least `lookahead` bytes.
bool MboxReader::ensureLineStart()
{
    while (!m_eof) {
        const qsizetype n = available();
        if (n >= lookahead || std::memchr(data(), '\n', n))
            break;
        if (!fill())
            break;
    }
    return available() > 0;
}

void MboxReader::skipLine()
{
    while (available() > 0 || fill()) {
        const char *nl = static_cast<const char *>(std::memchr(data(), '\n', available()));
        if (nl) {
            m_pos += nl - data() + 1;
            return;
        }
        m_pos = m_end;
    }
}

bool MboxReader::nextMessage(QByteArray &message)
{
    message.clear();
    if (m_done)
        return false;
    if (!m_started) {
        m_started = true;
        if (!startsLikeMbox()) {
            m_done = true;
            return false;
        }
        skipLine();
    }

    bool sawSeparator = false;
    // Unchanged lines are copied in spans; a span ends at an escaped line, a separator or a refill.
    while (ensureLineStart()) {
        qsizetype spanStart = m_pos;
        bool separator = false;
        bool lineStart = true;
        while (m_pos < m_end) {
            const char *p = m_buffer.get() + m_pos;
            const qsizetype n = m_end - m_pos;
            if (lineStart) {
                if (n < lookahead && !m_eof && !std::memchr(p, '\n', n))
                    break; // refill before deciding what this line is
                if (startsWithFrom(p, n) && isFromLine(p, n)) {
                    message.append(m_buffer.get() + spanStart, m_pos - spanStart);
                    spanStart = m_pos;
                    if (separatorMayFollow(message)) {
                        separator = true;
                        break;
                    }
                }
                if (*p == '>') {
                    qsizetype run = 1;
                    while (run < n && p[run] == '>')
                        ++run;
                    if (startsWithFrom(p + run, n - run)) {
                        // mboxrd: one '>' was added when the message was stored
                        message.append(m_buffer.get() + spanStart, m_pos - spanStart);
                        ++m_pos;
                        spanStart = m_pos;
                        lineStart = false; // the rest of the line is body text, not a separator
                        continue;
                    }
                }
            }
            const char *nl = static_cast<const char *>(std::memchr(p, '\n', n));
            if (!nl) {
                m_pos = m_end;
                lineStart = false;
                break;
            }
            m_pos += nl - p + 1;
            lineStart = true;
        }
        message.append(m_buffer.get() + spanStart, m_pos - spanStart);
        if (separator) {
            skipLine();
            sawSeparator = true;
            break;
        }
        if (!lineStart) {
            // The rest of a long line: copy it through without looking at it.
            while (available() > 0 || fill()) {
                const char *nl = static_cast<const char *>(std::memchr(data(), '\n', available()));
                const qsizetype take = nl ? nl - data() + 1 : available();
                message.append(data(), take);
                m_pos += take;
                if (nl)
                    break;
            }
        }
        if (available() == 0 && !fill())
            break;
    }
    if (!sawSeparator)
        m_done = true;
    // The blank line an mbox writer puts before the next From_ line is not part of the message.
    if (message.endsWith("\n\n"))
        message.chop(1);
    return true;
}

QByteArray MboxReader::readAll(qint64 sizeHint)
{
    QByteArray all;
    if (sizeHint > 0)
        all.reserve(sizeHint);
    do {
        all.append(data(), available());
        m_pos = m_end;
    } while (fill());
    m_done = true;
    return all;
}

} // namespace smtpscope::core
