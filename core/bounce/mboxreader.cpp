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
    while (available() < 5 && fill()) { }
    return startsWithFrom(data(), available());
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
                if (startsWithFrom(p, n)) {
                    separator = true;
                    break;
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
