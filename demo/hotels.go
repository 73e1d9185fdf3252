package demo

import (
	"context"
	"fmt"

	"beredskap/hotel"
)

// Hotels are the demo's quarantine hotels: two in Oslo, one of them with
// isolation rooms, and one in Bergen, each with rooms every night.
var Hotels = []hotel.HotelInput{
	{Municipality: "0301", Name: "Karantenehotellet Gardermoen", Address: "Hotellvegen 1", PostalCode: "0150",
		ContactName: "Hanne Vert", ContactEmail: "resepsjon.gardermoen@demo.beredskap.no", ContactPhone: "+47 22 00 00 01",
		Rooms: 120, Active: true},
	{Municipality: "0301", Name: "Oslo Isolasjonshotell", Address: "Tollbugata 4", PostalCode: "0152",
		ContactName: "Geir Vert", ContactEmail: "resepsjon.isolasjon@demo.beredskap.no", ContactPhone: "+47 22 00 00 02",
		Rooms: 40, Isolation: true, Active: true},
	{Municipality: "4601", Name: "Bergen Havnehotell", Address: "Bryggen 9", PostalCode: "5003",
		ContactName: "Liv Vert", ContactEmail: "resepsjon.bergen@demo.beredskap.no", ContactPhone: "+47 55 00 00 03",
		Rooms: 60, Active: true},
}

// SeedHotels creates the demo hotels that do not exist yet (by name in
// their municipality) and returns how many it created. ctx must carry the
// system actor.
func SeedHotels(ctx context.Context, svc *hotel.Service) (int, error) {
	created := 0
	for _, in := range Hotels {
		existing, err := svc.Hotels(ctx, in.Municipality)
		if err != nil {
			return created, fmt.Errorf("seed hotels: %w", err)
		}
		found := false
		for _, h := range existing {
			found = found || h.Name == in.Name
		}
		if found {
			continue
		}
		if _, err := svc.CreateHotel(ctx, in); err != nil {
			return created, fmt.Errorf("seed hotel %s: %w", in.Name, err)
		}
		created++
	}
	return created, nil
}
