def loss(y_pred, y_true)
    return y_pred
