#pragma once

#include <QStyledItemDelegate>

namespace smtpscope::ui {

/// Paints conversation steps: a lock on steps inside TLS, finding markers, the client's command beside an
/// arrow (events muted), the server's reply code as a badge coloured by class, and failing steps tinted.
/// Every row has the same height, so views can use uniform row heights.
class ConversationDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    /// Draws a small padlock in @p rect (also used by the session header).
    static void drawLock(QPainter *painter, const QRectF &rect, const QColor &color);
};

} // namespace smtpscope::ui
