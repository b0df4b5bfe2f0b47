#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

namespace smtpscope::core {

/// One message as read from its container, before parsing.
struct RawMessage
{
    QString source; ///< the path as given, joined with the path inside a folder; "-" for stdin
    int index = 0; ///< 1-based position in its container (1 for a single file)
    QByteArray bytes; ///< line ends normalised to LF; without the mbox From_ line, ">From " un-escaped
    QString note; ///< "empty file", "too short to be a message", "cannot read: <OS error>"; empty when fine
    bool unreadable = false; ///< the input could not be read (the CLI exits with status 1)
};

/// Yields the messages of files, folders (recursively, Maildirs included), mbox files and stdin one by one,
/// detecting each container by its content. Streams: an mbox is never held in memory, only its current message.
/// Inputs are opened read-only.
class MessageSource
{
public:
    /// @p paths: files or folders; "-" reads stdin.
    explicit MessageSource(const QStringList &paths);
    ~MessageSource();
    MessageSource(const MessageSource &) = delete;
    MessageSource &operator=(const MessageSource &) = delete;

    /// The next message; false when every input has been read.
    bool next(RawMessage &message);

    /// Bytes read from the inputs so far (before line-end normalisation), for progress.
    qint64 bytesRead() const;

    /// How many inputs (files, folders) could not be read so far.
    int unreadableCount() const;

    /// The files of @p folder that are read, relative to it and in reading order: every regular file,
    /// recursively, sorted by path; in a Maildir only the messages in cur/ and new/ (and in Maildir++ folders).
    static QStringList listFolder(const QString &folder);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace smtpscope::core
