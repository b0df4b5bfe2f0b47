#pragma once

#include <QStyledItemDelegate>

namespace smtpscope::ui {

/// Paints recipient rows: the status as a badge coloured by class, hard bounces in the failure colour and soft
/// ones in the retry colour, with the palette's colours so that dark themes stay readable.
class RecipientDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace smtpscope::ui
