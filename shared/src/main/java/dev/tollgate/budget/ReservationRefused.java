package dev.tollgate.budget;

/** A reservation's condition failed: a budget window (charge) or a rate-limit counter (rate) is full. */
public final class ReservationRefused extends Exception {

    private final transient Reservation.Charge charge;
    private final transient Reservation.RateCharge rate;

    public ReservationRefused(Reservation.Charge charge, Reservation.RateCharge rate) {
        super(charge != null ? "budget " + charge.scope() + " is exhausted" : "rate limit " + rate.kind() + " reached",
                null, false, false);
        this.charge = charge;
        this.rate = rate;
    }

    public Reservation.Charge charge() {
        return charge;
    }

    public Reservation.RateCharge rate() {
        return rate;
    }
}
