#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

class QIODevice;

namespace smtpscope::core {

/// Rewrites CRLF and CR-only line ends as LF, in place.
void normaliseLineEnds(QByteArray &bytes);

/// Reads a stream chunk by chunk with line ends normalised to LF, and splits it into the messages of an
/// mbox (mboxo/mboxrd; ">From " lines are un-escaped). A message begins at a real From_ line ("From sender
/// date", see isFromLine()) at the start of the stream or after an empty line, unless the text before that
/// empty line ends with a colon: bounces quote the returned message, From_ line included, after such a line.
/// Memory stays bounded by the largest message, whatever the size of the stream.
class MboxReader
{
public:
    /// @p device must be open for reading; it is read from its current position and not owned.
    explicit MboxReader(QIODevice *device);

    /// Whether @p line (up to its first LF or @p length) is an mbox From_ line: "From ", the envelope sender
    /// and a plausible date ("Mon Jun  3 10:15:02 2024", a zone allowed, or "Mon, 3 Jun 2024 10:15:02 +0200").
    static bool isFromLine(const char *line, qsizetype length);

    /// Whether the stream starts with a From_ line; reads the first chunk if needed.
    bool startsLikeMbox();

    /// The next message of an mbox without its From_ line; false when the stream is exhausted.
    bool nextMessage(QByteArray &message);

    /// Everything not read yet, as one message (a file or stdin holding a single message).
    QByteArray readAll(qint64 sizeHint = 0);

    /// Bytes taken from the device so far, before line-end normalisation.
    qint64 bytesRead() const { return m_bytesRead; }

    /// The OS error when reading failed, empty otherwise.
    QString errorString() const { return m_error; }

private:
    static bool separatorMayFollow(const QByteArray &message);
    bool fill();
    qsizetype available() const { return m_end - m_pos; }
    const char *data() const { return m_buffer.get() + m_pos; }
    bool ensureLineStart();
    void skipLine();

    QIODevice *m_device;
    std::unique_ptr<char[]> m_buffer;
    qsizetype m_pos = 0;
    qsizetype m_end = 0;
    qint64 m_bytesRead = 0;
    bool m_eof = false;
    bool m_pendingCr = false; ///< the last chunk ended in CR: drop a LF that starts the next one
    bool m_started = false;
    bool m_done = false;
    QString m_error;
};

} // namespace smtpscope::core
